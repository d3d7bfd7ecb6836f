"""What a template records about the source it was made from, so that `tm check` can
tell, without segmenting, that a template still describes its source (see
`tm.checks.stale`). Kept apart from tm.checks so that `tm segment` does not load them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from itertools import islice
from pathlib import Path

DIGEST_HEADER = "X-Tm-Source-Digest"
_SEGMENTER_FILES = ("source.py", "model.py", "catalog.py", "project.py", "cutting.py", "segment",
                    "formats", "data/segmentation.toml")
"""What the sentences of a document depend on besides its text (see `fingerprint`)."""


@cache
def fingerprint() -> str:
    """A digest of the code and rules that cut a document into sentences, so a template
    written by another tm (or before a rule changed) is never taken for current."""
    import tm

    h = hashlib.blake2b(digest_size=16)
    base = Path(tm.__file__).parent
    for name in _SEGMENTER_FILES:
        p = base / name
        files = sorted(p.rglob("*.py")) if p.is_dir() else [p]
        for f in files:
            h.update(f.relative_to(base).as_posix().encode())
            try:
                h.update(f.read_bytes())
            except OSError:
                h.update(b"?")
    for dist, version in _parser_versions():
        h.update(f"{dist}={version}".encode() if version else dist.encode())
    return h.hexdigest()


def _parser_versions() -> list[tuple[str, str | None]]:
    """The Markdown parser's and its plugins' versions, from the modules that tm.source
    imports anyway (importlib.metadata would cost each run about 0.05 s to import)."""
    import markdown_it
    import mdit_py_plugins

    return [(dist, getattr(module, "__version__", None)) for dist, module in
            (("markdown-it-py", markdown_it), ("mdit-py-plugins", mdit_py_plugins))]


def source_digest(text: str, language: str) -> str:
    """What `tm segment` records in a template: source text, language, segmenter."""
    h = hashlib.blake2b(digest_size=16)
    h.update(fingerprint().encode())
    h.update(language.encode() + b"\0")
    for at in range(0, len(text), _SLICE):  # the bytes of the whole text's encoding
        h.update(text[at:at + _SLICE].encode("utf-8", "surrogatepass"))
    return h.hexdigest()


_SLICE = 1 << 18
"""Characters of a source encoded at a time by `source_digest` (a code point at a time
in any case: the bytes are the same, with no copy of a whole 4 MB document)."""


def sentences_digest(escaped_msgids: Iterable[str]) -> str:
    """A digest of msgids in order, as a PO file writes them (escaped, continuation lines
    joined): a catalog whose active msgids give the digest its header records has
    exactly the sentences of the source it was made from. In order, because sorting
    costs more than the rest of the check; a catalog whose entries were reordered only
    takes the longer way (tm.checks.stale)."""
    h = hashlib.blake2b(digest_size=16)
    items = iter(escaped_msgids)
    lead = ""
    while chunk := list(islice(items, _CHUNK)):  # the bytes of "\0".join(all of them),
        h.update((lead + "\0".join(chunk)).encode("utf-8", "surrogatepass"))  # a piece
        lead = "\0"  # at a time: no copy of a whole document's sentences (page faults)
    return h.hexdigest()


_CHUNK = 2048
"""Msgids hashed at a time by `sentences_digest`."""


def template_digest(text: str, language: str, msgids: Iterable[str]) -> str:
    """The `X-Tm-Source-Digest` value of a template made from `text`: the source's digest
    and its sentences' (catalogs copy it with the rest of the template's header)."""
    return f"{source_digest(text, language)} {msgids_digest(msgids)}"


def msgids_digest(msgids: Iterable[str]) -> str:
    """`sentences_digest` of the msgids escaped as a PO file writes them (tm.po_write),
    _CHUNK at a time: a chunk joined by NULs (no msgid holds one) is escaped at once
    (one by one, 2 us a msgid: 45 ms for a 4.4 MB document's)."""
    from tm.po_write import _OUT_ESC, _escape

    # each (ASCII) character and its escape as UTF-8, where no other character has an
    # ASCII byte; the backslash first (the others add backslashes)
    escapes = sorted(((chr(c).encode(), str(e).encode()) for c, e in _OUT_ESC.items()),
                     key=lambda x: x[0] != b"\\")
    h = hashlib.blake2b(digest_size=16)
    items = iter(msgids)
    lead = b""
    while chunk := list(islice(items, _CHUNK)):
        joined = "\0".join(chunk)
        if joined.count("\0") != len(chunk) - 1:  # a NUL in a msgid: escaped on its own
            data = "\0".join(map(_escape, chunk)).encode("utf-8", "surrogatepass")
        else:
            data = joined.encode("utf-8", "surrogatepass")
            for c, e in escapes:  # each a memchr; a regular expression: 8 ns a character
                if c in data:
                    data = data.replace(c, e)
        h.update(lead)
        h.update(data)
        lead = b"\0"
    return h.hexdigest()
