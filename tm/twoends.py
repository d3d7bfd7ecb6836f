"""One list of work shared by this process and a forked child, from both ends.

The child starts at once from the back of the list, while this process still does
other work (formats a template); then this process works from the front until the two
meet. Neither needs to know how long the other's other work takes, and a loaded or
slow core just does less of the list. Two counters in shared memory say how far each
got; whatever neither did (a child that failed, a race between the counters) is
reported missing, so the caller does it: the answer never depends on the child.
"""

from __future__ import annotations

import io
import marshal
import mmap
import os
import select
import struct
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

Work = Callable[[int, int], Sequence[Any]]
"""Results of items [a, b), marshal-able, in order."""

_SLOTS = struct.Struct("qq")  # front (next item this process takes), back (child's end)
_ONE = struct.Struct("q")  # each process writes only its own slot
_ROUND = _SLOTS.size + _ONE.size
"""Offset of a Worker's slot holding the number of the list being worked on."""
_BEGAN = _ROUND + _ONE.size
_TIME = struct.Struct("d")
"""At _BEGAN: when (time.monotonic, the same clock in both processes) the Worker's
child began the current list; 0 while it has not."""
_ANSWERED = _BEGAN + _TIME.size
"""The number of the last list the Worker's child has stopped working on."""


def _get(buf: mmap.mmap) -> tuple[int, int]:
    front, back = _SLOTS.unpack_from(buf, 0)
    return front, back


class TwoEnds:
    """One list shared at once with a child forked for it alone: a Worker whose setup
    is `prepare` and which is closed when the list is done."""

    def __init__(self, worker: Worker, rnd: Round) -> None:
        self.worker, self.round, self.pid = worker, rnd, worker.pid

    @classmethod
    def start(cls, n: int, child_work: Work, chunk: int = 256,
              prepare: Callable[[], None] | None = None) -> TwoEnds | None:
        """Fork a child that calls `prepare()` and then `child_work(a, b)` on chunks from
        the back; None where no fork is possible (then the caller works alone)."""
        if n < 2:
            return None

        def setup() -> Serve:
            if prepare is not None:
                prepare()
            return lambda _payload: child_work

        worker = Worker.start(setup)
        return None if worker is None else cls(worker, worker.submit(n, None, chunk))

    def finish(self, parent_work: Work) -> list[Any]:
        """Work from the front until meeting the child; every item's result, with
        `MISSING` where neither process produced one."""
        try:
            return self.round.finish(parent_work)
        finally:
            self.worker.close()

    def cancel(self) -> None:
        """End the child without using its work (the parent failed meanwhile)."""
        self.worker.close(kill=True)


def fill_missing(got: list[Any], work: Work) -> list[Any]:
    """`got` with every `MISSING` result worked out here, one run of them at a time."""
    i, n = 0, len(got)
    while i < n:
        if got[i] is not MISSING:
            i += 1
            continue
        j = i
        while j < n and got[j] is MISSING:
            j += 1
        got[i:j] = work(i, j)
        i = j
    return got


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


# --- a child forked early, serving lists later ----------------------------------------------

Serve = Callable[[Any], Work]
"""In the child: a list's payload -> the work function over its items."""
Idle = Callable[[], bool]
"""In the child, between lists: do a little work that a later list may use (False:
nothing left to do)."""


class Worker:
    """A child forked before the work is known: it first runs `setup()` (loads what is
    slow to load, builds files) while this process does other work, then serves lists,
    each worked from its back by the child and from its front by this process, until
    `close()`. A list's payload travels in a temporary file (the pipe only carries its
    name, so this process never blocks on a child still busy with setup)."""

    def __init__(self, pid: int, to_child: Any, from_child: Any, buf: mmap.mmap) -> None:
        self.pid, self.to_child, self.from_child, self.buf = pid, to_child, from_child, buf
        self.closed = False
        self.rounds = 0
        self.status: int | None = None

    @classmethod
    def start(cls, setup: Callable[[], Serve | tuple[Serve, Idle]],
              teardown: Callable[[], None] | None = None) -> Worker | None:
        """The running child, or None where no fork is possible. `setup` may also give
        an `Idle` that the child calls while no list waits for it. `teardown` runs in
        the child when it is closed after its setup (not when it is killed)."""
        if not hasattr(os, "fork"):
            return None
        buf = mmap.mmap(-1, _ANSWERED + _ONE.size)  # front, back, ready, list, began, done
        _SLOTS.pack_into(buf, 0, 0, 0)
        sys.stdout.flush()
        sys.stderr.flush()
        down_r, down_w = os.pipe()
        up_r, up_w = os.pipe()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError:
            for fd in (down_r, down_w, up_r, up_w):
                os.close(fd)
            return None
        if pid == 0:
            os.close(down_w)
            os.close(up_r)
            _serve(buf, down_r, up_w, setup, teardown)
        os.close(down_r)
        os.close(up_w)
        return cls(pid, os.fdopen(down_w, "wb"), os.fdopen(up_r, "rb"), buf)

    def submit(self, n: int, payload: Any, chunk: int = 256) -> Round:
        """Hand the child a list of `n` items (it takes them from the back, `chunk` at a
        time); `Round.finish` has this process take them from the front."""
        import tempfile

        self.rounds += 1
        _ONE.pack_into(self.buf, _ROUND, self.rounds)  # a child still on an earlier list
        _SLOTS.pack_into(self.buf, 0, 0, n)  # stops taking items
        _TIME.pack_into(self.buf, _BEGAN, 0.0)
        rnd = Round(self, self.rounds, n, chunk)
        name = ""
        try:
            fd, name = tempfile.mkstemp(prefix="tm-work-")
            with os.fdopen(fd, "wb") as f:
                marshal.dump((n, chunk, payload), f)
            _send(self.to_child, (self.rounds, name))
        except (OSError, ValueError):  # no temporary file, or the child is gone: this
            rnd.lost = True  # process does it all, waiting for no answer
            _SLOTS.pack_into(self.buf, 0, 0, n)
            if name:
                try:
                    os.unlink(name)
                except OSError:
                    pass
        return rnd

    def exited(self) -> bool:
        """Whether the child has ended (it is then reaped)."""
        if self.status is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                pid, status = self.pid, 0
            if pid:
                self.status = status
        return self.status is not None

    def close(self, kill: bool = False) -> None:
        """No more lists: the child leaves, after its teardown (ended at once with
        `kill`, or while it still sets up: nothing it was setting up is needed)."""
        if self.closed:
            return
        self.closed = True
        kill = kill or not _ONE.unpack_from(self.buf, _SLOTS.size)[0]
        try:
            if kill:
                os.kill(self.pid, 9)
            self.to_child.close()
        except OSError:
            pass
        if self.status is None:  # the child's last answer (if any) is small: it is
            try:  # written into the pipe's buffer, so the child never blocks here
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
        try:
            while not kill:  # what the child said and nobody read yet
                answer = _recv(self.from_child)
                if answer is None:
                    break
                _say(answer)
        except (OSError, ValueError, EOFError, TypeError):
            pass
        try:
            self.from_child.close()
        except OSError:
            pass
        self.buf.close()


class Round:
    """One list handed to a Worker."""

    def __init__(self, worker: Worker, number: int, n: int, chunk: int) -> None:
        self.worker, self.number, self.n, self.chunk = worker, number, n, chunk
        self.lost = False
        """The child never got the list (then `finish` waits for no answer)."""

    def ready(self) -> bool:
        """Whether the child has finished its setup (then this process may load what
        the setup built without racing it)."""
        return bool(_ONE.unpack_from(self.worker.buf, _SLOTS.size)[0])

    def wait_ready(self, enough: int, alone: float = 0.0) -> bool:
        """Whether this process should share the list now: it waits while the child
        sets up (nothing it builds may be loaded meanwhile) and, with `alone`, until the
        child has finished a first chunk of this list, so that its pace is known; then
        yes when the child would need more than `alone` seconds to finish by itself (yes
        earlier when its first chunk alone is taking that long: the items left would
        take longer still). Without a pace (no `alone`), yes when at least `enough`
        items are left. No when the child ended."""
        worker = self.worker
        while True:
            if worker.exited():
                return False
            left = self.remaining()
            if self.ready():
                if self.lost:  # the child never got the list: this process does it
                    return True
                if _ONE.unpack_from(worker.buf, _ANSWERED)[0] == self.number:
                    return False  # it stopped (its work failed): its answer says how far
                if not alone or left == 0:
                    return left >= enough if not alone else False
                began = _TIME.unpack_from(worker.buf, _BEGAN)[0]
                finished = self.n - _get(worker.buf)[1] - self.chunk  # its last one may
                if began > 0:  # still be under way
                    spent = time.monotonic() - began
                    if finished > 0:
                        return bool(left * spent / finished > alone)
                    if left * spent / self.chunk > alone:  # at least that long each
                        return True
            time.sleep(0.005)

    def remaining(self) -> int:
        """Items neither process has taken yet."""
        front, back = _get(self.worker.buf)
        return max(0, back - front)

    def finish(self, parent_work: Work | None) -> list[Any]:
        """Take items from the front with `parent_work` (None: only wait for the child)
        until meeting the child; every item's result, `MISSING` where none came."""
        out: list[Any] = [MISSING] * self.n
        buf = self.worker.buf
        while parent_work is not None:
            front, back = _get(buf)
            if front >= back:
                break
            end = min(front + self.chunk, back)
            _ONE.pack_into(buf, 0, end)
            out[front:end] = parent_work(front, end)
        if self.lost:
            return out
        if min(_get(buf)) >= self.n:  # this process did it all (the child was still
            return out  # setting up): its empty answer comes later, the next round skips it
        got: object = None
        try:
            while True:  # answers to earlier rounds (empty ones) are skipped
                answer = _recv(self.worker.from_child)
                _say(answer)
                if not isinstance(answer, tuple) or answer[0] == self.number:
                    got = answer[1] if isinstance(answer, tuple) else None
                    break
        except (OSError, ValueError, EOFError, TypeError):
            got = None
        for a, b, results in got if isinstance(got, list) else []:
            if len(results) == b - a:
                for i, r in enumerate(results, a):
                    if out[i] is MISSING:
                        out[i] = r
        return out


def _open(buf: mmap.mmap, number: int) -> bool:
    """Whether list `number` still has items nobody took: a list the parent did alone
    while the child was setting up is answered at once, its work never made (making it
    may import and compile what nothing then uses)."""
    front, back = _get(buf)
    return back > front and _ONE.unpack_from(buf, _ROUND)[0] == number


def _say(answer: Any) -> None:
    """Say on this process's stderr what the child said on its own (a Worker's answers
    carry it: the index found damaged and rebuilt, say)."""
    if isinstance(answer, tuple) and len(answer) > 2 and answer[2]:
        sys.stderr.write(str(answer[2]))
        sys.stderr.flush()


def _silence() -> None:
    """In a child: fds 1 and 2 to /dev/null, and new sys.stdout/sys.stderr objects (the
    inherited ones' locks may be held forever by a thread that is not copied: rich's
    refresh thread, say, writing at the moment of the fork)."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


def _send(f: Any, obj: Any) -> None:
    data = marshal.dumps(obj)
    f.write(struct.pack("<Q", len(data)) + data)
    f.flush()


def _recv(f: Any) -> Any:
    """The next message, or None at the end of the pipe."""
    head = _read(f, 8)
    if len(head) < 8:
        return None
    (size,) = struct.unpack("<Q", head)
    data = _read(f, size)
    if len(data) < size:
        return None
    return marshal.loads(data)


def _read(f: Any, size: int) -> bytes:
    """`size` bytes (fewer only at the end of the pipe): an unbuffered pipe's read may
    return part of them."""
    data = f.read(size)
    if len(data) == size or not data:
        return bytes(data or b"")
    parts = [data]
    got = len(data)
    while got < size:
        more = f.read(size - got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def _idle_until_asked(fd: int, idle: Idle) -> bool:
    """Call `idle()` until a message waits on `fd` or it has nothing left to do; False
    if it failed (then it is not called again)."""
    try:
        while not select.select([fd], [], [], 0)[0]:
            if not idle():
                break
    except Exception:
        return False
    return True


def _serve(buf: mmap.mmap, down: int, up: int, setup: Callable[[], Serve | tuple[Serve, Idle]],
           teardown: Callable[[], None] | None) -> None:
    """The Worker's child: setup, then one answer per list until the pipe closes."""
    try:
        _silence()
        said = io.StringIO()  # what the child says on stderr (tm: note: ...) goes to the
        sys.stderr = said  # parent with its answers, and the parent says it

        def notes() -> str:
            text = said.getvalue()
            said.seek(0)
            said.truncate()
            return text

        serve: Serve | None
        idle: Idle | None = None
        try:
            made = setup()
            serve, idle = made if isinstance(made, tuple) else (made, None)
        except BaseException:
            serve = None  # every list answered empty: the parent does the work
        _ONE.pack_into(buf, _SLOTS.size, 1)
        # unbuffered: whether a message waits is then whether the pipe holds one
        with os.fdopen(down, "rb", buffering=0) as rf, os.fdopen(up, "wb") as wf:
            while True:
                if idle is not None and not _idle_until_asked(down, idle):
                    idle = None
                message = _recv(rf)
                if not isinstance(message, tuple):
                    break
                number, name = message
                done: list[tuple[int, int, list[Any]]] = []
                try:
                    fresh = serve is not None and _open(buf, number)  # else a list the
                    if fresh:  # parent did alone meanwhile: not even read
                        with open(name, "rb") as f:  # (marshal.load(f) reads object by
                            _n, chunk, payload = marshal.loads(f.read())  # object: 5x slower)
                    os.unlink(name)
                    if fresh and serve is not None:
                        work = serve(payload)
                        _TIME.pack_into(buf, _BEGAN, time.monotonic())
                        while True:
                            front, back = _get(buf)
                            if back <= front or _ONE.unpack_from(buf, _ROUND)[0] != number:
                                break
                            start = max(back - chunk, front)
                            _ONE.pack_into(buf, 8, start)
                            done.append((start, back, list(work(start, back))))
                except Exception:
                    pass  # what was done is sent; the parent does the rest
                _ONE.pack_into(buf, _ANSWERED, number)
                try:
                    _send(wf, (number, done, notes()))
                except OSError:  # the parent stopped listening
                    break
            if teardown is not None:
                teardown()
            text = notes()
            if text:
                try:
                    _send(wf, (0, [], text))
                except OSError:
                    pass
    finally:
        os._exit(0)
