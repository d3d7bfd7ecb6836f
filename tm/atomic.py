"""File I/O at the edge: how tm replaces files, atomically, keeping their mode, never
over a translator's save.

Every file tm writes (catalogs, templates, build/, exports, memory copies) goes through a
temporary file next to it and a rename, so a reader or a killed run never sees half a
file. The temporary file gets the mode the final file should have: the mode of the file
it replaces (a 0664 catalog stays 0664), or for a new file what `open()` would give
(0666 less the umask). Its name, `.<name>.tm-<pid>-<random>.tmp`, says which process
made it, so the next write into that folder removes those of processes that are gone.

A catalog is read at the start of `tm segment` and replaced at the end; a translator may
save it in between. `FileState` records what was read and `atomic_write(expect=...)`
refuses (raises `FileChanged`) when the file is no longer that, so the caller can merge
again from the new file instead of overwriting it.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

TEMP_RE = re.compile(r"^\..+\.tm-(\d+)-[0-9a-f]+\.tmp$")
"""Temporary files of this writer: `.<name>.tm-<pid>-<random>.tmp`."""
LEGACY_TEMP_RE = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
"""Temporary files of tm before 0.2 (`tempfile.mkstemp`, no pid): removed when old."""
STALE_SECONDS = 3600.0
"""A temporary file this old is stale whoever made it (a pid reused, another host)."""

_swept: set[Path] = set()


class NotAFile(OSError):
    """A path tm would replace that is a folder, a device, a FIFO or a socket (an
    OSError: the caches in .tm/, written best effort, go without; a command says so in
    one line, tm.cli.common)."""


class FileChanged(Exception):
    """The file is no longer the one that was read (a translator saved it meanwhile)."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


@dataclass(frozen=True, slots=True)
class FileState:
    """What a file held when it was read: enough to tell whether it changed since."""

    exists: bool
    size: int = 0
    digest: str = ""

    @classmethod
    def of(cls, data: bytes | None) -> FileState:
        if data is None:
            return cls(False)
        return cls(True, len(data), content_digest(data))


def open_cache(path: os.PathLike[str] | str) -> BinaryIO:
    """A file of `.tm/` opened for reading, refused (OSError) unless it is a regular file:
    a FIFO put there would block the run forever (holding the project's lock), a device
    would be read without end."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"not a regular file: {path}")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


STEP = 1 << 16
"""Bytes read at a time into one reused buffer: reading a 12 MB catalog into fresh
memory costs 3,000 page faults, a tenth of a second on some virtual machines."""


def pieces(path: Path) -> Iterator[bytes]:
    """The bytes of the file at `path`, STEP at a time (OSError as `open` raises it).
    Read, not mapped: a file truncated meanwhile by an editor is an error here, where a
    mapping would be a crash."""
    with open(path, "rb", buffering=0) as f:
        yield from _pieces_of(f)


def _pieces_of(f: BinaryIO) -> Iterator[bytes]:
    """`pieces` of a file opened unbuffered."""
    buf = bytearray(STEP)
    while n := f.readinto(buf):  # type: ignore[attr-defined]
        yield bytes(buf[:n]) if n < STEP else bytes(buf)


def holds(path: Path, data: bytes) -> bool:
    """Whether the file at `path` holds exactly `data` (False if it cannot be read)."""
    try:
        if os.stat(path).st_size != len(data):
            return False
        at = 0
        for piece in pieces(path):
            if piece != data[at:at + len(piece)]:
                return False
            at += len(piece)
        return at == len(data)
    except OSError:
        return False


def content_digest(data: bytes) -> str:
    """A digest of a file's bytes that tells whether it changed. SHA-256: processors
    compute it in hardware (SHA-NI, ARMv8), about 2.5x as fast as BLAKE2b here, and a run
    hashes every catalog it reads and writes (12 MB for a 4.4 MB document's)."""
    return hashlib.sha256(data).hexdigest()[:32]


def read_state(path: Path) -> tuple[bytes | None, FileState]:
    """The file's bytes (None when there is no file) and their state."""
    try:
        data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None, FileState(False)
    return data, FileState.of(data)


def current_state(path: Path) -> FileState:
    """The state of the file now (read again: sizes and mtimes can hide a same-size
    edit made within one clock tick)."""
    return _current(path)[1]


def _still(path: Path, expect: FileState) -> bool:
    """Whether the file at `path` is in the state `expect`, checked right before it is
    replaced: its bytes hashed, then (a stat, microseconds before the rename) whether
    the file there is still the one hashed, unmodified. Hashing a big catalog takes
    milliseconds, in which an editor that saves by renaming a new file over it would
    otherwise go unseen and its save be replaced."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except (FileNotFoundError, NotADirectoryError):
        return expect == FileState(False)
    except OSError:
        return current_state(path) == expect
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            return current_state(path) == expect
        h, size = hashlib.sha256(), 0
        with open(fd, "rb", buffering=0, closefd=False) as f:
            for piece in _pieces_of(f):
                h.update(piece)
                size += len(piece)
        if FileState(True, size, h.hexdigest()[:32]) != expect:
            return False
        after = os.fstat(fd)
        try:  # with the file still open: its inode number is not free to be reused
            now = os.stat(path)
        except OSError:
            return False
    finally:
        os.close(fd)
    return ((now.st_dev, now.st_ino, now.st_size, now.st_mtime_ns)
            == (before.st_dev, before.st_ino, size, before.st_mtime_ns)
            and (after.st_size, after.st_mtime_ns) == (size, before.st_mtime_ns))


def _current(path: Path, data: bytes | None = None) -> tuple[bool, FileState]:
    """The state of the file now, and whether it holds `data` (read piece by piece)."""
    h, size, same, want = hashlib.sha256(), 0, data is not None, data or b""
    try:
        for piece in pieces(path):
            h.update(piece)
            if same:
                same = piece == want[size:size + len(piece)]
            size += len(piece)
    except (FileNotFoundError, NotADirectoryError):
        return False, FileState(False)
    except IsADirectoryError:
        return False, FileState(True, -1, "folder")
    return same and size == len(want), FileState(True, size, h.hexdigest()[:32])


def _umask() -> int:
    """The process umask, read without changing it where /proc tells it."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _target_mode(path: Path) -> int:
    """The mode a rewrite of `path` keeps, or a new file's default."""
    try:
        st = os.stat(path)
    except OSError:
        return 0o666 & ~_umask()
    return stat.S_IMODE(st.st_mode)


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def sweep_temporaries(folder: Path, now: float | None = None) -> list[Path]:
    """Remove temporary files a killed tm left in `folder`: those of processes that are
    gone, and any older than STALE_SECONDS. Returns what was removed."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(".") and name.endswith(".tmp")):
            continue
        m = TEMP_RE.match(name)
        if m is None and not LEGACY_TEMP_RE.match(name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        old = now - st.st_mtime > STALE_SECONDS
        dead = m is not None and int(m.group(1)) != os.getpid() and not _pid_alive(
            int(m.group(1)))
        if old or dead:
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed


def new_run() -> None:
    """Forget which folders were swept: a long-lived process (tests, an editor plugin)
    calls this at the start of each run so every run cleans what a killed one left."""
    _swept.clear()


def _sweep_once(folder: Path) -> None:
    """Sweep a folder the first time this process writes into it."""
    key = folder.absolute()
    if key not in _swept:
        _swept.add(key)
        sweep_temporaries(folder)


def _target(path: Path) -> Path:
    """The file a write replaces. A symbolic link is written through: its target is
    replaced and the link stays (a catalog shared by a link stays shared). A folder, a
    device, a FIFO or a socket is never replaced by a file: NotAFile, nothing written."""
    try:
        st = os.stat(path)  # through links
    except OSError:
        st = None  # no file yet, or a link to none: its target is made
    if st is not None and not stat.S_ISREG(st.st_mode):
        kind = ("it is a folder" if stat.S_ISDIR(st.st_mode)
                else "not a regular file (a device, a FIFO or a socket)")
        raise NotAFile(errno.EISDIR if stat.S_ISDIR(st.st_mode) else errno.EINVAL,
                       f"cannot write: {kind}", str(path))
    if os.path.islink(path):
        return Path(os.path.realpath(path))
    return path


NAME_MAX = 255
"""Bytes of a file name on the usual file systems (ext4, XFS, APFS, NTFS in UTF-16)."""


def temporary_name(path: Path) -> Path:
    """`.<name>.tm-<pid>-<random>.tmp` beside `path`, the name cut (at a character) so
    that the whole fits NAME_MAX: a legal name of 230 bytes (115 Cyrillic letters) was
    refused as too long because of its temporary's."""
    tail = f".tm-{os.getpid()}-{secrets.token_hex(4)}.tmp"
    name = path.name
    raw = os.fsencode(name)
    room = NAME_MAX - 1 - len(tail)
    if len(raw) > room:
        cut = room
        while cut and (raw[cut] & 0xC0) == 0x80:  # not inside a UTF-8 character
            cut -= 1
        name = os.fsdecode(raw[:cut])
    return path.with_name(f".{name}{tail}")


def atomic_write_bytes(path: Path, data: bytes, expect: FileState | None = None) -> bool:
    """Write `data` to `path` through a temporary file and a rename; False if unchanged.

    With `expect`, the file must still be in that state right before the rename, else
    FileChanged is raised and nothing is written.
    """
    shown, path = path, _target(path)
    if expect is None:
        if holds(path, data):
            return False
    else:
        held, now = _current(path, data)
        if now != expect:
            raise FileChanged(shown)
        if held:
            return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise NotADirectoryError(errno.ENOTDIR, "cannot write", str(shown)) from None
    _sweep_once(path.parent)
    mode = _target_mode(path)
    tmp = temporary_name(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                     0o600)
    except OSError as e:
        raise _naming(e, path, tmp) from None
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), mode)
            f.write(data)
        if expect is None:
            os.replace(tmp, path)
        else:
            with _turn(path.parent):
                if not _still(path, expect):
                    raise FileChanged(shown)
                os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise _naming(e, path, tmp) from None
        raise
    return True


@contextmanager
def _turn(folder: Path) -> Iterator[None]:
    """Writers that check a file before replacing it take turns in its folder (an
    exclusive flock on the folder), so that two of them (a tm run and an editor built on
    tm.atomic, or two tm runs) never both find the file unchanged and both replace it:
    the second would undo the first's save. Best effort: where the folder cannot be
    locked (no fcntl, no permission) the check and the rename run as they are."""
    try:
        import fcntl

        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except (ImportError, OSError):
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            pass
        yield
    finally:
        os.close(fd)


def _naming(e: OSError, path: Path, tmp: Path) -> OSError:
    """`e` naming the file being written rather than its temporary (or nothing, as a
    failed write says): a full disk is reported as `path: no space left on device`."""
    if e.errno is not None and (e.filename is None or os.fsdecode(e.filename) == str(tmp)):
        return OSError(e.errno, e.strerror, str(path))
    return e


def atomic_write(path: Path, text: str, expect: FileState | None = None) -> bool:
    """`atomic_write_bytes` for UTF-8 text."""
    return atomic_write_bytes(path, text.encode("utf-8"), expect)


def atomic_copy(source: Path, dest: Path) -> bool:
    """Copy a file's bytes to `dest` atomically (dest keeps its mode if it exists)."""
    return atomic_write_bytes(dest, source.read_bytes())
