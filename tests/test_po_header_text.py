"""tm.po.header_text decodes only the start of a catalog's bytes that parse_header
reads: the header it gives is the one of the whole text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tm.errors import CatalogError
from tm.po import header_text, parse_header

HEADER = ('msgid ""\nmsgstr ""\n"Project-Id-Version: doc\\n"\n'
          '"POT-Creation-Date: 2026-11-27 23:50+0000\\n"\n"Language-Team: Команда\\n"\n')
TAILS = st.lists(st.sampled_from([" ", "\n", "\t", "#. x\n", "msgid \"a\"\nmsgstr \"\"\n",
                                  "msgctxt \"c\"\n", "é", "漢", "\U0001f600", "x", "\n\n"]),
                 max_size=300)


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from(" aé漢\U0001f600"), max_size=120), TAILS)
def test_the_header_of_the_start_is_the_header_of_the_whole(pad: str, tail: list[str]) -> None:
    whole = ('# "' + pad + '"\n' + HEADER + "\n" + "".join(tail)).encode()
    text = header_text(whole)
    assert whole.decode().startswith(text)
    assert _outcome(text) == _outcome(whole.decode())


def _outcome(text: str) -> dict[str, str] | str:
    try:
        return parse_header(text)
    except CatalogError as e:
        return str(e)


def test_a_long_template_is_decoded_only_to_its_first_entry() -> None:
    body = "".join(f'#: sources/doc.md:{i}\nmsgid "Sentence {i}."\nmsgstr ""\n\n'
                   for i in range(20000))
    data = (HEADER + "\n" + body).encode()
    text = header_text(data)
    assert len(text) < 1000
    assert parse_header(text)["POT-Creation-Date"] == "2026-11-27 23:50+0000"
