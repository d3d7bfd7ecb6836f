"""split_sentences' fast path gives the spans of the plain reading of the rules.

The fast path (tm.segment.split_sentences with tm.segment.rules and .protect) tests a
rule's anchored `after` before it searches for `before`, searches `before` only as far
back as a match of it can reach, skips rules needing a character the text lacks, and
finds protected spans in linear time. The reference below does none of that: every rule
in order, `before` searched over the whole WINDOW, protected spans by the PROTECTED
pattern. This is the harness bench/README quotes (then run on 118,230 texts), on what
the repository ships: the CommonMark examples, the segmentation and golden-rule cases,
the lecture, the Rust book chapters and the alignment texts, each as the units tm cuts,
in English, Russian and German (3,736 texts, 260 KB), plus 1,500 seeded random splices
of them and texts hypothesis generates from the pieces the rules look at.
"""

from __future__ import annotations

import json
import random
import re
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.segment import split_sentences
from tm.segment.protect import PROTECTED
from tm.segment.rules import WINDOW, ruleset
from tm.source import units

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
LANGUAGES = ("en", "ru", "de")
Rule = tuple[bool, "re.Pattern[str] | None", "re.Pattern[str] | None"]


def _rules(language: str) -> tuple[re.Pattern[str], tuple[Rule, ...]]:
    """The language's candidate pattern and its rules' patterns, as compiled for the fast
    path (the same data even when segmentation.toml is edited during a run), without
    their reach, needed characters and prepared checks."""
    rs = ruleset(language)
    return rs.candidates, tuple((r.brk, r.before, r.after) for r in rs.rules)


def reference_split(text: str, language: str) -> list[tuple[int, int]]:
    """The rules read plainly: at each candidate outside a protected span, the first rule
    whose `before` matches within WINDOW characters back and whose `after` matches from
    the candidate decides; no rule: a break. Spans trimmed of white space."""
    candidates, rules = _rules(language)
    protected = [(m.start(), m.end()) for m in PROTECTED.finditer(text)]
    cuts = []
    for m in candidates.finditer(text):
        pos = m.end()
        if any(a <= m.start() < b for a, b in protected):
            continue
        brk = True
        for rule_brk, before, after in rules:
            if before is not None and before.search(text, max(0, pos - WINDOW), pos) is None:
                continue
            if after is not None and after.match(text, pos) is None:
                continue
            brk = rule_brk
            break
        if brk:
            cuts.append(pos)
    spans = []
    start = 0
    for cut in [*cuts, len(text)]:
        piece = text[start:cut]
        a = start + len(piece) - len(piece.lstrip())
        b = cut - (len(piece) - len(piece.rstrip()))
        if a < b:
            spans.append((a, b))
        start = cut
    return spans


def _unit_texts(source: str) -> list[str]:
    """The texts split_sentences is given for a Markdown source (as unit_segments joins
    a unit's pieces)."""
    return ["\n".join(source[p.start:p.end] for p in u.pieces) for u in units(source)]


def _case_lines(path: Path) -> list[str]:
    """Input lines of a cases file: not comments, not expected `= ` lines."""
    return [ln for ln in path.read_text("utf-8").splitlines()
            if ln.strip() and not ln.startswith(("#", "= "))]


@lru_cache(maxsize=1)
def shipped_texts() -> tuple[str, ...]:
    texts: list[str] = []
    for example in json.loads((DATA / "commonmark" / "spec.json").read_text("utf-8")):
        texts += _unit_texts(example["markdown"])
        texts.append(example["markdown"])  # raw: tags, code and brackets as they come
    for folder in ("segmentation", "golden_rules"):
        for path in sorted((DATA / folder).glob("*.txt")):
            texts += _case_lines(path)
    documents = [*sorted((ROOT / "sources").rglob("*.md")),
                 *sorted((DATA / "rustbook").rglob("*.md")),
                 *sorted((DATA / "align").glob("*.md"))]
    for path in documents:
        texts += _unit_texts(path.read_text("utf-8"))
    return tuple(t for t in texts if t.strip())


def spliced(texts: tuple[str, ...], count: int, seed: int) -> list[str]:
    """Pieces of shipped texts cut at random places and joined: breaks, abbreviations,
    brackets and backticks meet in combinations no document has."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(2, 4)):
            t = rng.choice(texts)
            a = rng.randrange(len(t))
            parts.append(t[a:a + rng.randint(1, 160)])
        out.append(rng.choice(("", " ", "\n", ". ")).join(parts))
    return out


def test_the_shipped_texts_are_many() -> None:
    """The comparison below covers a real amount of text, not an empty list."""
    texts = shipped_texts()
    assert len(texts) > 3000
    assert sum(map(len, texts)) > 200_000


@pytest.mark.slow
def test_fast_path_equals_reference_on_shipped_texts() -> None:
    texts = shipped_texts()
    differ = [(lang, t) for t in texts for lang in LANGUAGES
              if split_sentences(t, lang) != reference_split(t, lang)]
    assert differ == [], f"{len(differ)} of {len(texts) * 3} differ, e.g. {differ[:3]}"


@pytest.mark.slow
def test_fast_path_equals_reference_on_splices() -> None:
    texts = spliced(shipped_texts(), 1500, seed=12)
    differ = [(lang, t) for t in texts for lang in LANGUAGES
              if split_sentences(t, lang) != reference_split(t, lang)]
    assert differ == [], f"{len(differ)} of {len(texts) * 3} differ, e.g. {differ[:3]}"


def test_the_reference_sees_a_wrong_cut() -> None:
    """The comparison can fail: the reference tells apart a fast path that breaks after
    `f.` in a citation from the real one."""
    text = "RGASPI, f. 17, op. 171, d. 87, l. 83. Ibid., l. 45."
    assert reference_split(text, "en") == split_sentences(text, "en") == [(0, 37), (38, 51)]
    assert reference_split(text, "en") != [(0, 10), (11, 37), (38, 51)]


# Pieces the rules and the protected-span scanner look at: abbreviations, initials,
# citations, footnote marks, quotes, brackets, backticks, tags, digits, both scripts.
PIECES = st.sampled_from([
    " ", "  ", "\n", ".", ". ", "!", "?", "?!", "…", "...", ";", ":", ",", "\u00a0",
    "f.", "op.", "d.", "l.", "ll.", "ob.", "Ibid.", "pp.", "No.", "e.g.", "i.e.", "Mr.",
    "Ф.", "Оп.", "Д.", "Л.", "т.", "д.", "г.", "гг.", "им.", "Там же.", "см.", "z.B.", "Nr.",
    "RGASPI", "РГАСПИ", "17", "1927", "83ob", "I.", "V. I.", "Lenin", "Ленин", "A", "a",
    "word", "слово", "Wort", "<sup>[1]</sup>", "[^1]", "[", "]", "(", ")", "](x.md)",
    "[link](http://a.b/c. d)", "`", "``", "`code. x`", "<", ">", "<a href=\"x\">", "</a>",
    "<br>", "\"", "«", "»", "“", "”", "'", "*", "_", "-", "—", "1.", "2)", "#",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join), st.sampled_from(LANGUAGES))
def test_fast_path_equals_reference_on_generated_text(text: str, lang: str) -> None:
    assert split_sentences(text, lang) == reference_split(text, lang)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
               max_size=200), st.sampled_from(LANGUAGES))
def test_fast_path_equals_reference_on_any_text(text: str, lang: str) -> None:
    assert split_sentences(text, lang) == reference_split(text, lang)


@settings(max_examples=100, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join), st.sampled_from(LANGUAGES))
def test_spans_are_ordered_trimmed_and_inside(text: str, lang: str) -> None:
    """Whatever the rules say: spans in order, not overlapping, without white space at
    their ends, and no text but white space left out."""
    spans = split_sentences(text, lang)
    end = 0
    for a, b in spans:
        assert end <= a < b <= len(text)
        assert not text[a].isspace() and not text[b - 1].isspace()
        assert text[end:a].strip() == ""
        end = b
    assert text[end:].strip() == ""
