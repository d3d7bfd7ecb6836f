"""A forked child process with a pipe back to its parent: how the index builds postings
and checks a big TMX on the second core while the parent reads the same file."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound="Forked")


def fork_safe() -> bool:
    """Whether a fork is possible and harmless: the platform has it and no other thread
    runs (a fork copies no thread, so a lock one of them holds would never be released)."""
    return ("fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


class Forked:
    """The parent's side: the reading end of the pipe and the process. The child's
    target is called with `(*args, its_end, parent_end)` and closes `parent_end`."""

    def __init__(self, conn: Any, proc: Any) -> None:
        self.conn, self.proc = conn, proc

    @classmethod
    def start(cls: type[F], target: Callable[..., None], *args: Any,
              duplex: bool = False) -> F | None:
        """The running child, or None if the system would not start one. With `duplex`
        the parent may also send on its end (then the child reads its own)."""
        ctx = multiprocessing.get_context("fork")
        mine, theirs = ctx.Pipe(duplex=duplex)
        proc = ctx.Process(target=target, args=(*args, theirs, mine), daemon=True)
        try:
            proc.start()
        except OSError:
            return None
        theirs.close()
        return cls(mine, proc)

    def stop(self, grace: float = 0.0) -> None:
        """Close the pipe and end the child (after `grace` seconds to finish by itself)."""
        self.conn.close()
        if grace:
            self.proc.join(timeout=grace)
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join()
