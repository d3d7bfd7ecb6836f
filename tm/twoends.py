"""One list of work shared by this process and a forked child, from both ends.

The child starts at once from the back of the list, while this process still does
other work (formats a template); then this process works from the front until the two
meet. Neither needs to know how long the other's other work takes, and a loaded or
slow core just does less of the list. Two counters in shared memory say how far each
got; whatever neither did (a child that failed, a race between the counters) is
reported missing, so the caller does it: the answer never depends on the child.
"""

from __future__ import annotations

import marshal
import mmap
import os
import struct
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any

Work = Callable[[int, int], Sequence[Any]]
"""Results of items [a, b), marshal-able, in order."""

_SLOTS = struct.Struct("qq")  # front (next item this process takes), back (child's end)
_ONE = struct.Struct("q")  # each process writes only its own slot


def _get(buf: mmap.mmap) -> tuple[int, int]:
    front, back = _SLOTS.unpack_from(buf, 0)
    return front, back


class TwoEnds:
    """The parent's handle on a running child (see the module docstring)."""

    def __init__(self, n: int, chunk: int, buf: mmap.mmap, pid: int, fd: int) -> None:
        self.n, self.chunk, self.buf, self.pid, self.fd = n, chunk, buf, pid, fd
        self._done = False

    @classmethod
    def start(cls, n: int, child_work: Work, chunk: int = 256,
              prepare: Callable[[], None] | None = None) -> TwoEnds | None:
        """Fork a child that calls `prepare()` and then `child_work(a, b)` on chunks from
        the back; None where no fork is possible (then the caller works alone)."""
        if not hasattr(os, "fork") or n < 2:
            return None
        buf = mmap.mmap(-1, _SLOTS.size)
        _SLOTS.pack_into(buf, 0, 0, n)
        sys.stdout.flush()
        sys.stderr.flush()
        r, w = os.pipe()
        try:
            with warnings.catch_warnings():  # 3.12+ warns of fork with threads; the
                warnings.simplefilter("ignore", DeprecationWarning)  # child only computes
                pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            return None
        if pid == 0:
            _child(buf, w, r, n, chunk, child_work, prepare)
        os.close(w)
        return cls(n, chunk, buf, pid, r)

    def finish(self, parent_work: Work) -> list[Any]:
        """Work from the front until meeting the child; every item's result, with
        `MISSING` where neither process produced one."""
        out: list[Any] = [MISSING] * self.n
        try:
            while True:
                front, back = _get(self.buf)
                if front >= back:
                    break
                end = min(front + self.chunk, back)
                _ONE.pack_into(self.buf, 0, end)
                out[front:end] = parent_work(front, end)
        finally:
            got = self._collect()
        for a, b, results in got:
            if len(results) == b - a:
                for i, r in enumerate(results, a):
                    if out[i] is MISSING:
                        out[i] = r
        return out

    def cancel(self) -> None:
        """End the child without using its work (the parent failed meanwhile)."""
        if not self._done:
            try:
                os.kill(self.pid, 9)
            except OSError:
                pass
            self._collect()

    def _collect(self) -> list[tuple[int, int, list[Any]]]:
        if self._done:
            return []
        self._done = True
        with os.fdopen(self.fd, "rb") as f:
            data = f.read()
        _, status = os.waitpid(self.pid, 0)
        self.buf.close()
        if os.waitstatus_to_exitcode(status) != 0:
            return []
        try:
            got = marshal.loads(data)
        except (ValueError, EOFError, TypeError):
            return []
        return got if isinstance(got, list) else []


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def _child(buf: mmap.mmap, w: int, r: int, n: int, chunk: int, work: Work,
           prepare: Callable[[], None] | None) -> None:
    """The child: chunks from the back until meeting the parent, results sent marshalled
    as (a, b, results) triples; it leaves with os._exit (no cleanup of the parent's)."""
    code = 1
    try:
        os.close(r)
        if prepare is not None:
            prepare()
        done: list[tuple[int, int, list[Any]]] = []
        while True:
            front, back = _get(buf)
            if back <= front:
                break
            start = max(back - chunk, front)
            _ONE.pack_into(buf, 8, start)
            done.append((start, back, list(work(start, back))))
        data = marshal.dumps(done)
        with os.fdopen(w, "wb") as f:
            f.write(data)
        code = 0
    finally:
        os._exit(code)
