"""tm.twoends: one list worked on from both ends by this process and a forked child."""

from __future__ import annotations

import os
import time

import pytest

from tm.twoends import MISSING, TwoEnds

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def _square(a: int, b: int) -> list[tuple[int, int]]:
    time.sleep(0.002)  # work that takes time, so that both get some
    return [(i * i, os.getpid()) for i in range(a, b)]


def test_every_item_once_from_both_ends() -> None:
    ends = TwoEnds.start(5000, _square, chunk=16)
    assert ends is not None
    time.sleep(0.05)  # the parent's other work: the child has begun from the back
    got = ends.finish(_square)
    assert [v for v, _pid in got] == [i * i for i in range(5000)]
    pids = [pid for _v, pid in got]
    assert pids[0] == os.getpid() and pids[-1] != os.getpid()  # the child did the back


def test_a_failed_child_leaves_its_items_missing() -> None:
    def broken(_a: int, _b: int) -> list[int]:
        raise RuntimeError("child fails")

    ends = TwoEnds.start(1000, broken, chunk=10)
    assert ends is not None
    time.sleep(0.05)
    got = ends.finish(lambda a, b: list(range(a, b)))
    assert got[0] == 0
    done = [g for g in got if g is not MISSING]
    assert done == list(range(len(done)))  # the parent's share is right
    assert len(done) < 1000  # the child had claimed the back before it failed


def test_cancel_ends_the_child() -> None:
    def slow(a: int, b: int) -> list[int]:
        time.sleep(0.2)
        return list(range(a, b))

    ends = TwoEnds.start(100, slow, chunk=1)
    assert ends is not None
    ends.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(ends.pid, 0)  # already reaped
