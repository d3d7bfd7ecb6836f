"""Where each entry of a catalog tm wrote stands, so that the next run merges only what
changed: after a one-paragraph edit of a 4.4 MB document, a handful of entries rather
than 34,000 read, merged and written out again.

After writing a catalog, a run keeps in `.tm/spans/` the digest of the file, what the
merge depended on besides the two catalogs (the advice's key, the language, the line
width, tm's code) and, for each active entry, the identity of its template entry (a
digest of all it holds) and where the entry stands in the file. The next run, if the
file is still byte for byte what it wrote and the rest is the same, takes each entry
whose template entry is unchanged from the file as it stands: merging it again would
give its text again (an entry's merge depends on its template entry, its old entry and
its advice alone, and is its own fixed point). The others go through
`tm.catalog.update_catalog` with the old entries that no unchanged template entry took
(the changed and the vanished ones) and the obsolete ones: what a whole merge does with
them, as it gives the entries it inherits from and makes obsolete only from those.
Templates are kept the same way, so an unchanged template entry is not formatted again.

Safe to delete; a damaged or stale file is ignored; writing is best effort.
"""

from __future__ import annotations

import hashlib
import marshal
import re
import sys
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import add
from pathlib import Path
from typing import AnyStr

from tm import catalog
from tm.atomic import FileState, atomic_write_bytes, open_cache
from tm.model import Suggestion
from tm.po import Catalog, Message, decode_po, parse_po
from tm.po_write import format_blocks, format_header

Advise = Callable[[list[str]], Mapping[str, Suggestion]]
"""Suggestions for some msgids (the advisor's, for one language pair)."""

SCHEMA = "tm-spans-4"
DIGEST_SIZE = 16


def identities(messages: list[Message]) -> list[bytes]:
    """A digest of each template entry: all it holds, so two are equal only when the
    entries are (their text at a width is in the spans' context)."""
    b2, size = hashlib.blake2b, DIGEST_SIZE
    return [b2("\x1f".join((
        "\x00" if m.msgctxt is None else "\x01" + m.msgctxt, m.msgid,
        "\x00" if m.msgid_plural is None else "\x01" + m.msgid_plural,
        "\x1e".join(m.references), "\x1e".join(m.extracted), "\x1e".join(m.comments),
        "\x1e".join(m.flags))).encode("utf-8", "surrogatepass"), digest_size=size).digest()
        for m in messages]


@dataclass(frozen=True)
class Spans:
    """A catalog as a run wrote it: a header and `count` entries, the first `len(keys)`
    active, one per template entry (whose identity is in `keys`), the rest obsolete,
    each after a blank line (`layout`); `sizes` are the entries' lengths in the file's
    bytes, so that where each stands is known without cutting the file."""

    context: str
    file: str
    keys: list[bytes]
    count: int
    sizes: list[int]


def body(blocks: list[AnyStr], header: AnyStr) -> AnyStr:
    """`header` and the entry texts as `tm.po_write.format_po` writes them (each entry
    after a blank line), joined in one copy: a 4.4 MB document's catalog is 12 MB. Text
    or the file's bytes."""
    if not blocks:
        return header
    nl = _newline(header)
    parts = [nl + nl] * (2 * len(blocks) + 1)
    parts[0], parts[-1] = header + nl, nl
    parts[1::2] = blocks
    return header[:0].join(parts)


def _newline(like: AnyStr) -> AnyStr:
    """A line feed of the type of `like` (text or bytes)."""
    return "\n" if isinstance(like, str) else b"\n"


def _size(block: str) -> int:
    """The length of a text in UTF-8."""
    return len(block) if block.isascii() else len(block.encode("utf-8"))


def layout(context: str, header: AnyStr, blocks: list[AnyStr], keys: list[bytes]
           ) -> tuple[AnyStr, Spans]:
    """The catalog text (or bytes) of a header and entry texts (as
    `tm.po_write.format_po` writes them), and its spans; `keys` are the active entries'
    template identities. The file's digest is left to `save`, which is given the bytes
    written."""
    sizes = [_size(b) if isinstance(b, str) else len(b) for b in blocks]
    return body(blocks, header), Spans(context, "", keys, len(blocks), sizes)


def entries(text: AnyStr, count: int) -> tuple[AnyStr, list[AnyStr]] | None:
    """The header and the `count` entry texts of a catalog `layout` wrote (text or
    bytes), or None if it is not cut that way."""
    nl = _newline(text)
    parts = text.split(nl + nl)
    if len(parts) != count + 1 or (count and not parts[-1].endswith(nl)):
        return None
    if not count:
        return parts[0], []
    parts[-1] = parts[-1][:-1]
    return parts[0] + nl, parts[1:]


@dataclass(frozen=True)
class Plan:
    """What the next merge reuses: for each template entry, the index of its unchanged
    entry in the old file (None: merge it), the old file's bytes and where its entries
    stand, and the old catalog's text holding only what the others need (its header,
    the active entries no unchanged one took, the obsolete)."""

    at: list[int | None]
    rest: str
    data: bytes
    starts: list[int]
    sizes: list[int]

    def assemble(self, header: bytes, fresh: list[str]) -> tuple[bytes, list[int]]:
        """The new file's bytes and its entries' sizes: `header`, the old entries `at`
        names, copied from the old file a run of consecutive ones at a time, and the
        `fresh` texts where `at` has None, then the rest of them (obsolete entries)."""
        data, starts, sizes = self.data, self.starts, self.sizes
        new = [b.encode("utf-8") for b in fresh]
        parts: list[bytes | memoryview] = [header, b"\n"]  # each part, then a blank line:
        # joined in one copy of the file (slices of the old one are views, not copies)
        out_sizes: list[int] = []
        k = 0
        first = last = -2  # the old entries [first, last] not copied yet
        for i in self.at:
            if i is not None and i == last + 1:
                last = i
                continue
            if first >= 0:
                parts += (memoryview(data)[starts[first]:starts[last] + sizes[last]], b"\n\n")
                out_sizes += sizes[first:last + 1]
            if i is None:
                parts += (new[k], b"\n\n")
                out_sizes.append(len(new[k]))
                k += 1
                first = last = -2
            else:
                first = last = i
        if first >= 0:
            parts += (memoryview(data)[starts[first]:starts[last] + sizes[last]], b"\n\n")
            out_sizes += sizes[first:last + 1]
        for block in new[k:]:
            parts += (block, b"\n\n")
            out_sizes.append(len(block))
        if not out_sizes:
            return header, out_sizes
        parts[-1] = b"\n"
        return b"".join(parts), out_sizes


def plan(spans: Spans | None, data: bytes, state: FileState, context: str,
         keys: list[bytes]) -> Plan | None:
    """The plan for merging template entries `keys` into the catalog file's bytes `data`
    (as read, with its `state`), or None when the catalog is not what `spans`
    describes."""
    if (spans is None or spans.context != context or not state.exists
            or spans.file != state.digest or len(spans.keys) > spans.count
            or len(spans.sizes) != spans.count):
        return None
    n = spans.count
    head = len(data) - sum(spans.sizes) - 2 * n  # the header's length, its \n included
    if n and (head < 1 or data[head - 1:head + 1] != b"\n\n" or not data.endswith(b"\n")):
        return None  # cannot happen with the file tm wrote (its digest was checked)
    starts = list(accumulate(map(add, spans.sizes, repeat(2)), initial=head + 1))
    where = dict(zip(spans.keys, range(len(spans.keys)), strict=True))
    if len(where) != len(spans.keys):
        return None  # cannot happen with the file tm wrote: template entries are distinct
    at: list[int | None] = list(map(where.get, keys))
    left = sorted(set(range(n)).difference(at))
    rest = [data[starts[i]:starts[i] + spans.sizes[i]] for i in left]
    try:  # the file tm wrote, as UTF-8
        text = (data[:head] + b"\n" + b"\n\n".join(rest) + b"\n" if rest
                else data[:head if n else len(data)]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return Plan(at, text, data, starts, spans.sizes)


@dataclass(frozen=True)
class Merged:
    """A catalog merged with its template: its bytes, where its entries stand, and how
    many entries took a translation from the memory that had none."""

    data: bytes
    spans: Spans
    prefilled: int


def merge(template: Catalog, keys: list[bytes], old_data: bytes | None,
          state: FileState, spans: Spans | None, language: str, advise: Advise,
          keep_hints: bool, context: str, path: str,
          ahead: Callable[[list[Message]], None] | None = None) -> Merged:
    """`update_catalog(template, old, ...)` as the file's bytes, where `old` is the
    catalog file's bytes `old_data` read; `keys` are the template entries' identities.
    When `spans` describe `old_data`, only the entries whose template entry changed are
    merged (see the module's docstring); otherwise the whole catalog is. `ahead` is
    given the entries about to be formatted (to lay out their strings on both cores)."""
    got = None if old_data is None else plan(spans, old_data, state, context, keys)
    if got is None:
        old = None if old_data is None else parse_po(decode_po(old_data, path), path)
        todo = template
    else:
        old = parse_po(got.rest, path)
        todo = Catalog(header=template.header, header_comments=template.header_comments,
                       header_flags=template.header_flags,
                       messages=[m for m, i in zip(template.messages, got.at, strict=True)
                                 if i is None])
    suggestions = advise([m.msgid for m in todo.messages])
    new = catalog.update_catalog(todo, old, language, suggestions, keep_hints=keep_hints)
    had = {(m.msgctxt, catalog.unwrapped(m.msgid)) for m in old.messages
           if m.has_translation} if old else set()  # a re-wrapped entry keeps its own
    prefilled = sum(1 for m in new.messages  # filled by the memory: no translation kept
                    if not m.obsolete and m.msgstr
                    and (m.msgctxt, catalog.unwrapped(m.msgid)) not in had
                    and (s := suggestions.get(m.msgid)) is not None
                    and s.translation == m.msgstr)
    if ahead is not None:
        ahead(new.messages)
    out = format_blocks(new.messages)
    if got is None:
        text, new_spans = layout(context, format_header(new), out, keys)
        return Merged(text.encode("utf-8"), new_spans, prefilled)
    data, sizes = got.assemble(format_header(new).encode("utf-8"), out)
    return Merged(data, Spans(context, "", keys, len(sizes), sizes), prefilled)


def _file(root: Path, catalog: Path) -> Path:
    """Named by the catalog's path in the project (a project moved keeps its spans)."""
    try:
        where = catalog.relative_to(root).as_posix()
    except ValueError:
        where = str(catalog)
    name = hashlib.blake2b(where.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
    return root / ".tm" / "spans" / f"{name}.bin"


def load(root: Path, catalog: Path) -> Spans | None:
    """The spans kept for `catalog`, or None (none kept, damaged, another schema)."""
    try:
        with open_cache(_file(root, catalog)) as f:  # a regular file, or none
            schema, context, file, keys, count, sizes, check = marshal.loads(f.read())
        if (schema != SCHEMA or not isinstance(keys, bytes) or len(keys) % DIGEST_SIZE
                or not isinstance(count, int) or not isinstance(context, str)
                or not isinstance(file, str) or not isinstance(sizes, bytes)
                or len(sizes) != 8 * count
                or check != _check(context, file, keys, count, sizes)):
            return None
        found = array("Q", sizes)
        if sys.byteorder != "little":  # pragma: no cover - the file is little-endian
            found.byteswap()
        return Spans(context, file, _KEY.findall(keys), count, found.tolist())
    except (OSError, ValueError, EOFError, TypeError):
        return None


_KEY = re.compile(b".{%d}" % DIGEST_SIZE, re.DOTALL)
"""A key of a spans file's keys (cut in C: 34,000 of them in a 4.4 MB document's)."""


def save(root: Path, catalog: Path, spans: Spans | None, data: bytes = b"") -> None:
    """Keep `spans` for `catalog`, whose file now holds `data` (None: forget them); best
    effort."""
    path = _file(root, catalog)
    try:
        if spans is None:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        file, keys = FileState.of(data).digest, b"".join(spans.keys)
        sizes = array("Q", spans.sizes)
        if sys.byteorder != "little":  # pragma: no cover - the file is little-endian
            sizes.byteswap()
        raw = sizes.tobytes()
        atomic_write_bytes(path, marshal.dumps((
            SCHEMA, spans.context, file, keys, spans.count, raw,
            _check(spans.context, file, keys, spans.count, raw))))
    except (OSError, OverflowError):
        pass


def _check(context: str, file: str, keys: bytes, count: int, sizes: bytes) -> bytes:
    """What tells a whole spans file from a damaged one (a key lost from the middle
    would put entries in the wrong places)."""
    h = hashlib.sha256(keys)
    h.update(sizes)
    h.update(f"\0{context}\0{file}\0{count}".encode("utf-8", "surrogatepass"))
    return h.digest()[:16]
