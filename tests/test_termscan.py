"""Term finding chunk by chunk (tm.termscan) finds what a plain word-by-word walk finds.

The reference below is the scan tm had before texts were cut at their spaces: the
whole text split into words with TOKEN, the trie walked from every word while the gaps
between words may lie inside a term. The chunked scanner must give the same matches
and the same hints on any text, whatever its memos hold (learned chunks, paused walks,
remembered islands) and when they are emptied.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tm import termcache, termscan
from tm.config import Config
from tm.termkeys import GAP, TOKEN
from tm.terms import Termbase, load_termbase, outermost
from tm.termwalk import END, Found, Keys

_SPLIT = re.compile(f"({TOKEN.pattern})")
_NUMBER_AFTER = re.compile(r"\.?\s*(?:[RРAА]-)?\d")
_QUOTE_BEFORE = re.compile(r"[«\"„“][*_]{0,3}$")


def reference(text: str, tb: Termbase, lang: str) -> list[Found]:
    """Every match, the trie walked from every word of the whole text."""
    sc = tb.scanner(lang)  # its trie and key function only
    parts = _SPLIT.split(text)
    words = parts[1::2]
    offsets = [sum(map(len, parts[:i + 1])) for i in range(len(parts))]

    def keys(j: int) -> Keys:
        ks = (sc.get_keys(words[j]) & sc.vocabulary) or frozenset()
        if words[j] in sc.dotted and parts[2 * j + 2].startswith("."):
            ks = ks | {f"={words[j]}."}
        return ks

    found: list[Found] = []
    for i in range(len(words)):
        nodes = [sc.trie[k] for k in keys(i) if k in sc.trie]
        j = i
        while nodes:
            for node in nodes:
                for n, number, quote, capital, amb in node.get(END, ()):
                    end = offsets[2 * j + 1]
                    if ((not capital or words[i][:1].isupper())
                            and (not quote or _QUOTE_BEFORE.search(parts[2 * i]))
                            and (not number or _NUMBER_AFTER.match(text, end))):
                        found.append((offsets[2 * i], end, n, amb))
            j += 1
            if j >= len(words) or not GAP.fullmatch(parts[2 * j]):
                break
            nxt = keys(j)
            nodes = list({id(c): c for node in nodes for k in nxt
                          if (c := node.get(k)) is not None}.values())
    return outermost(found)


TARGET = {"en": "ru", "ru": "en"}


def hints(matches: list[Found], tb: Termbase, lang: str) -> list[tuple[str, bool]]:
    """What Termbase.find makes of these matches: each entry once, in order, ambiguous
    when every match of it is."""
    sure: dict[int, bool] = {}
    for _s, _e, entry, amb in matches:
        sure[entry] = sure.get(entry, False) or not amb
    return [(t.source, t.ambiguous) for entry, s in sure.items()
            if (t := tb.term(entry, lang, TARGET[lang], not s)) is not None]


@pytest.fixture(scope="module")
def tb() -> Termbase:
    return load_termbase(None)


def _pieces(tb: Termbase, lang: str) -> list[str]:
    forms = [f for e in tb.entries for f in e.forms(lang) + (
        list(e.romanization) if lang == "en" else []) if " " in f or "." in f]
    words = sorted({w for f in forms for w in f.split()})
    return words[::7] + ["the", "of", "f.", "l.", "op.", "d.", "Л.", "№", "17", "«", "»",
                         "(", ")", ",", "—", "", "Trotsky's", "Центральной", "комиссии"]


SEPARATORS = [" ", " ", " ", "  ", "\n", "\t", "\u00a0", ", ", ".", " . ", "-", " «", "» ",
              "*", "_", " (", ") "]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_chunked_scan_finds_what_a_word_by_word_walk_finds(tb: Termbase,
                                                          data: st.DataObject) -> None:
    lang = data.draw(st.sampled_from(["en", "ru"]))
    pieces = _pieces(tb, lang)
    n = data.draw(st.integers(1, 10))
    text = "".join(data.draw(st.sampled_from(pieces)) + data.draw(st.sampled_from(SEPARATORS))
                   for _ in range(n))
    want = reference(text, tb, lang)
    for _ in range(2):  # the second time from the memos
        assert sorted(tb.matches(text, lang)) == sorted(want)
        assert [(t.source, t.ambiguous) for t in tb.find(text, lang, TARGET[lang])] \
            == hints(want, tb, lang)


def test_the_same_islands_in_other_texts_and_emptied_memos(
        tb: Termbase, monkeypatch: pytest.MonkeyPatch) -> None:
    """Multi-word terms met again (remembered islands), at the text's end, before a
    number, and with every memo emptied every few texts: the same finds."""
    texts = ["the Central Control Commission met", "the Central Control Commission",
             "the Central Control", "Central Control Commission, f. 17, op. 1, d. 2, l. 3",
             "RGASPI, f. 17", "RGASPI, f.", "Leon Trotsky's Left Opposition and Leon",
             "Leon  Trotsky", "Leon\nTrotsky", "world revolution.", "world — revolution",
             "the Left Opposition", "the Left Opposition and the Opposition",
             "Центральной контрольной комиссии", "«Правда» и Правда", "Л. 5 и Л."]
    want = {x: reference(x, tb, "ru" if re.search("[а-я]", x) else "en") for x in texts}
    for n in range(6):
        if n == 3:
            monkeypatch.setattr(termscan, "MAX_WORDS", 40)
            monkeypatch.setattr(termscan, "MAX_CHUNKS", 12)
            monkeypatch.setattr(termscan, "MAX_ISLANDS", 3)
            monkeypatch.setattr(termscan, "MAX_STEPS", 1)
        for x in texts:
            lang = "ru" if re.search("[а-я]", x) else "en"
            assert sorted(tb.matches(x, lang)) == sorted(want[x]), x
            assert [(t.source, t.ambiguous) for t in tb.find(x, lang, TARGET[lang])] \
                == hints(want[x], tb, lang), x
    assert sum(map(bool, want.values())) >= len(texts) - 2


def test_a_fresh_project_reads_the_termbase_from_the_users_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(termcache.USER_CACHE, str(tmp_path / "user"))
    first = load_termbase(Config(root=tmp_path / "one"))
    first.find("Trotsky", "en", "ru")
    assert list((tmp_path / "user").glob("terms-*.pickle"))

    termcache._LOADED.clear()
    with monkeypatch.context() as m:
        m.setattr(termcache, "_read_tbx", lambda *a: pytest.fail("TBX parsed again"))
        warm = load_termbase(Config(root=tmp_path / "two"))
        assert "en" in warm.tries and len(warm) == len(first)
        assert [t.source for t in warm.find("Trotsky and the Left Opposition", "en", "ru")] \
            == ["Leon Trotsky", "Left Opposition"]
    assert (tmp_path / "two" / ".tm" / "terms.pickle").is_file()  # warm on its own now

    termcache._LOADED.clear()
    for f in (tmp_path / "user").glob("terms-*.pickle"):
        f.write_bytes(b"\x80\x05damaged")
    assert len(load_termbase(Config(root=tmp_path / "three"))) == len(first)  # ignored

    monkeypatch.setenv(termcache.USER_CACHE, "0")
    assert termcache.user_cache("0" * 64) is None
