"""One writer per project: `.tm/lock`, held with flock by the tm that writes.

Two `tm segment` (or a segment and a `tm memory import`) in one project would read the
same catalogs and index and overwrite each other's work. Every command that writes takes
this lock first; a second one waits up to `TM_LOCK_TIMEOUT` seconds (default 10) and
then stops with one line naming the holder's pid and command. The lock is the kernel's
(flock on the open file), not the file's existence: the holder removes the file when it
is done, and a killed tm leaves only a file naming it, which the next tm takes over.
Read-only commands take no lock.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from tm.atomic import sweep_temporaries
from tm.config import Config
from tm.errors import TmError

LOCK_NAME = "lock"
LOCK_DIR = ".tm"
DEFAULT_TIMEOUT = 10.0
POLL = 0.05

_held: dict[Path, int] = {}
"""Locks this process holds (path -> depth): a command that calls another re-enters."""


class LockBusy(TmError):
    """Another tm held the project's lock for the whole wait."""


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds (or last held) the lock, as its file records."""

    pid: int | None
    command: str

    def describe(self) -> str:
        return f"pid {self.pid if self.pid is not None else '?'}: {self.command or 'tm'}"


def lock_path(root: Path) -> Path:
    return root / LOCK_DIR / LOCK_NAME


def timeout_from_env() -> float:
    """TM_LOCK_TIMEOUT (seconds), else DEFAULT_TIMEOUT."""
    raw = os.environ.get("TM_LOCK_TIMEOUT", "")
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_TIMEOUT
    return max(0.0, value) if value == value else DEFAULT_TIMEOUT  # NaN: the default


def read_holder(path: Path) -> Holder:
    """The pid and command the lock file names (None/'' when it names none)."""
    try:
        first = path.read_text("utf-8", "replace").split("\n", 1)[0].strip()
    except OSError:
        return Holder(None, "")
    pid_text, _, command = first.partition(" ")
    return Holder(int(pid_text) if pid_text.isdigit() else None, command.strip())


def _open(path: Path) -> tuple[int, bool]:
    """The lock file open for locking, and whether it can be written (a file another
    user created may be read-only to us: flock works on it all the same)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise TmError(f"cannot create the lock folder: {e.strerror or e}", path.parent, 1,
                      "tm needs to write in the project folder") from None
    if path.is_dir():
        raise TmError("the lock file is a folder", path, 1, "remove it")
    flags = os.O_CLOEXEC if hasattr(os, "O_CLOEXEC") else 0
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | flags, 0o666), True
    except PermissionError:
        pass
    except OSError as e:
        raise TmError(f"cannot open the lock file: {e.strerror or e}", path, 1,
                      "tm needs to write in the project folder") from None
    try:
        return os.open(path, os.O_RDONLY | flags), False
    except OSError as e:
        raise TmError(f"cannot open the lock file: {e.strerror or e}", path, 1,
                      "check its permissions") from None


def _record(fd: int, command: str) -> None:
    """Who holds the lock, for a waiting tm to say (a full disk leaves it unsaid: the
    lock is the flock, not this text)."""
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {command}\n".encode("utf-8", "replace"), 0)
    except OSError:
        pass


@contextmanager
def project_lock(root: Path, command: str, timeout: float | None = None,
                 shown: str | None = None) -> Iterator[Path]:
    """Hold the project's lock for the block; wait up to `timeout` seconds for it.

    `command` is what a waiting tm reports (`tm segment`); `shown` is how the lock
    file is named in the error (default: its path). Raises TmError when the wait ends.
    """
    path = lock_path(root).absolute()
    if path in _held:
        _held[path] += 1
        try:
            yield path
        finally:
            _held[path] -= 1
        return
    wait = timeout_from_env() if timeout is None else timeout
    deadline = time.monotonic() + wait
    while True:
        fd, writable = _open(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise LockBusy(f"another tm is running ({read_holder(path).describe()})",
                               shown or path, 1,
                               "wait for it or remove the lock if that process is gone"
                               ) from None
            time.sleep(POLL)
            continue
        if _same_file(fd, path):
            break
        os.close(fd)  # the holder removed the file as we opened it: lock the new one
    try:
        if writable:
            _record(fd, command)
            sweep_temporaries(path.parent)  # caches under .tm/ a killed run left half-written
        _held[path] = 1
        try:
            yield path
        finally:
            del _held[path]
            if writable:  # removed while still locked: the next tm makes a new one
                try:
                    path.unlink()
                except OSError:
                    pass
    finally:
        os.close(fd)  # releases the flock


def _same_file(fd: int, path: Path) -> bool:
    """Whether `path` still names the file `fd` locked (not removed or replaced)."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def config_lock(config: Config, command: str, timeout: float | None = None
                ) -> AbstractContextManager[Path]:
    """`project_lock` for a loaded project, its lock file named relative to the root."""
    return project_lock(config.root, command, timeout,
                        shown=config.relative(lock_path(config.root)))
