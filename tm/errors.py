"""Errors that carry their location, so the CLI can print one useful line."""

from __future__ import annotations

import re
from pathlib import Path

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""Control characters and line separators: never printed raw, never allowed in a name."""
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_control(text: str) -> str:
    """`text` with control characters and line separators written as escapes (`\\n`,
    `\\x1b`), so that a message from data stays one line: no forged `::error` workflow
    command on a line of its own, no terminal escape sequence.

    >>> print(escape_control("README\\n::error x"))
    README\\n::error x
    """
    if not CONTROL.search(text):
        return text
    return CONTROL.sub(lambda m: _NAMED.get(m.group(), f"\\x{ord(m.group()):02x}"
                                             if ord(m.group()) < 0x100
                                             else f"\\u{ord(m.group()):04x}"), text)


class TmError(Exception):
    """Bad input or usage: reported as `tm: error: <file>:<line>: <what> (<how to fix>)`."""

    def __init__(
        self,
        what: str,
        path: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(what)
        self.what = what
        self.path = str(path) if path is not None else None
        self.line = line
        self.hint = hint

    def located(self, path: str | Path) -> TmError:
        """This error, naming `path` if it named no file (raised by code that reads a
        text, not a file)."""
        if self.path is None:
            self.path = str(path)
        return self

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line if self.line is not None else 1}: "
        hint = f" ({self.hint})" if self.hint else ""
        return escape_control(f"{where}{self.what}{hint}")


class ConfigError(TmError):
    """tm.toml or [tool.tm] is malformed or holds an unknown key or a wrong type."""


class SourceError(TmError):
    """A source document cannot be read (encoding, missing file)."""


class CatalogError(TmError):
    """A PO/POT file cannot be parsed."""


class MemoryFormatError(TmError):
    """A TMX/TBX/CSV/PO memory file cannot be read."""


def read_utf8(
    path: Path,
    error: type[TmError] = TmError,
    hint: str = "save the file as UTF-8",
    bom: bool = False,
) -> str:
    """A text file's content; unreadable or non-UTF-8 bytes raise `error` naming the line."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise error(f"cannot read: {e.strerror or e}", path, 1) from None
    try:
        return data.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise error(f"not UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})",
                    path, line, hint) from None
