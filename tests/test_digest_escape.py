"""tm.digest hashes a template's msgids escaped a chunk at a time: the same digest as
escaping each msgid as the PO writer does (what `tm check` compares it with)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tm import digest
from tm.digest import msgids_digest, sentences_digest
from tm.po import _escape

CHARS = st.sampled_from(["a", "б", "\\", '"', "\n", "\t", "\r", "\a", "\b", "\f", "\v", "\x00",
                         "0", "7", "\x01", " ", "\u2028", "\ud800", "\U0001f600", "n"])
MSGIDS = st.lists(st.text(CHARS, max_size=8), max_size=60)


@settings(max_examples=400, deadline=None)
@given(MSGIDS)
def test_the_digest_of_the_escaped_msgids(msgids: list[str]) -> None:
    assert msgids_digest(msgids) == sentences_digest(_escape(m) for m in msgids)


@given(MSGIDS, st.integers(1, 5))
def test_any_chunk_size(msgids: list[str], size: int) -> None:
    """Chunks end anywhere, one with a NUL in a msgid and the next without."""
    old = digest._CHUNK
    digest._CHUNK = size
    try:
        assert msgids_digest(msgids) == sentences_digest(_escape(m) for m in msgids)
    finally:
        digest._CHUNK = old


def test_a_chunk_without_escapes_and_an_empty_list() -> None:
    plain = [f"Sentence {i}." for i in range(5000)]
    assert msgids_digest(plain) == sentences_digest(plain)
    assert msgids_digest([]) == sentences_digest([])


def test_the_segmenter_digest_reads_no_package_metadata() -> None:
    """The template's digest named markdown-it-py's version through importlib.metadata,
    about 0.05 s of every `tm segment` that writes a template; the modules say it."""
    import subprocess
    import sys
    from importlib import metadata

    from tm.digest import _parser_versions

    assert _parser_versions() == [(d, metadata.version(d))
                                  for d in ("markdown-it-py", "mdit-py-plugins")]
    code = ("import sys, tm.digest as d; d.fingerprint(); "
            "print('importlib.metadata' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"
