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


def _slow_setup(marker: str, delay: float = 0.0):  # type: ignore[no-untyped-def]
    def setup():  # type: ignore[no-untyped-def]
        time.sleep(delay)
        with open(marker, "a") as f:
            f.write("setup\n")
        return lambda payload: (lambda a, b: [(payload[i] * 2, os.getpid())
                                               for i in range(a, b)])
    return setup


def test_worker_sets_up_once_and_serves_lists(tmp_path) -> None:  # type: ignore[no-untyped-def]
    marker = str(tmp_path / "marker")
    from tm.twoends import Worker

    def teardown() -> None:
        with open(marker, "a") as f:
            f.write("teardown\n")

    worker = Worker.start(_slow_setup(marker), teardown)
    assert worker is not None
    for size in (3000, 10):
        rnd = worker.submit(size, list(range(size)), chunk=8)
        assert rnd.wait_ready(0) or rnd.remaining() == 0
        got = rnd.finish(lambda a, b: [(i * 2, os.getpid()) for i in range(a, b)])
        assert [v for v, _ in got] == [2 * i for i in range(size)]
    worker.close()
    assert open(marker).read() == "setup\nteardown\n"


def test_worker_still_setting_up_leaves_the_list_to_the_parent(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tm.twoends import Worker

    marker = str(tmp_path / "marker")
    worker = Worker.start(_slow_setup(marker, delay=0.5))
    assert worker is not None
    rnd = worker.submit(100, list(range(100)), chunk=8)
    assert not rnd.ready()
    got = rnd.finish(lambda a, b: [(i * 2, os.getpid()) for i in range(a, b)])
    assert {pid for _, pid in got} == {os.getpid()}  # all done here, nothing waited for
    second = worker.submit(50, list(range(50)), chunk=8)  # the child's late empty answer
    got = second.finish(None)  # to the first list is skipped: this one is the child's
    assert [v for v, _ in got] == [2 * i for i in range(50)]
    assert {pid for _, pid in got} == {worker.pid}
    worker.close()


def test_a_list_done_while_the_worker_set_up_is_never_made_there(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Making a list's work may import and compile much (cutting: the segmenter's rules);
    a list the parent finished alone is answered without it, its file not even read."""
    import tempfile

    from tm.twoends import Worker

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    marker = str(tmp_path / "marker")

    def setup():  # type: ignore[no-untyped-def]
        time.sleep(0.3)

        def serve(payload):  # type: ignore[no-untyped-def]
            with open(marker, "a") as f:
                f.write("made\n")
            return lambda a, b: [payload[i] for i in range(a, b)]
        return serve

    worker = Worker.start(setup)
    assert worker is not None
    rnd = worker.submit(100, list(range(100)), chunk=8)
    assert rnd.finish(lambda a, b: list(range(a, b))) == list(range(100))
    late = worker.submit(40, list(range(40)), chunk=8)  # the child's, once set up
    assert late.finish(None) == list(range(40))
    worker.close()
    assert open(marker).read() == "made\n"  # the second list only
    assert not list(tmp_path.glob("tm-work-*"))  # both files removed


def test_worker_whose_setup_fails_answers_nothing() -> None:
    from tm.twoends import Worker

    def setup():  # type: ignore[no-untyped-def]
        raise RuntimeError("no index")

    worker = Worker.start(setup)
    assert worker is not None
    rnd = worker.submit(20, list(range(20)))
    assert not rnd.wait_ready(0, alone=0.5)  # returns: the child answered, it will not work
    got = rnd.finish(None)
    assert got == [MISSING] * 20
    worker.close()


def test_no_temporary_file_leaves_the_list_to_the_parent(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import tempfile

    from tm.twoends import Worker

    worker = Worker.start(_slow_setup(str(tmp_path / "marker")))
    assert worker is not None

    def no_space(*_a: object, **_k: object) -> tuple[int, str]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "mkstemp", no_space)
    rnd = worker.submit(10, list(range(10)))
    assert rnd.finish(None) == [MISSING] * 10  # at once: no answer is awaited
    worker.close()


def test_what_the_worker_says_is_said_by_the_parent(capfd) -> None:  # type: ignore[no-untyped-def]
    import sys

    from tm.twoends import Worker

    def setup():  # type: ignore[no-untyped-def]
        print("tm: note: the index was damaged; rebuilt", file=sys.stderr)
        return lambda payload: (lambda a, b: list(range(a, b)))

    worker = Worker.start(setup)
    assert worker is not None
    assert worker.submit(10, None).finish(None) == list(range(10))
    worker.close()
    assert capfd.readouterr().err == "tm: note: the index was damaged; rebuilt\n"


def test_a_slow_first_chunk_is_joined_before_it_ends() -> None:
    """A child whose first chunk alone takes longer than `alone` would take longer still
    for the rest: this process joins while that chunk is under way, without waiting
    for its pace (a million-unit memory's first chunk of advice takes 0.65 s)."""
    from tm.twoends import Worker, _get

    def setup():  # type: ignore[no-untyped-def]
        def work(a: int, b: int) -> list[int]:
            time.sleep(3.0)
            return list(range(a, b))
        return lambda _payload: work

    worker = Worker.start(setup)
    assert worker is not None
    rnd = worker.submit(1000, None, chunk=100)
    assert rnd.wait_ready(0, alone=0.3)
    assert _get(worker.buf)[1] == 900  # the child is still on its first chunk
    worker.close(kill=True)


def test_a_quick_child_is_left_alone() -> None:
    from tm.twoends import Worker

    def setup():  # type: ignore[no-untyped-def]
        return lambda _payload: (lambda a, b: list(range(a, b)))

    worker = Worker.start(setup)
    assert worker is not None
    rnd = worker.submit(1000, None, chunk=100)
    assert not rnd.wait_ready(0, alone=30.0)
    assert rnd.finish(None) == list(range(1000))
    worker.close()


def _idle_setup(limit: int | None):  # type: ignore[no-untyped-def]
    """A worker whose idle calls are counted (endless work with no `limit`); a list's
    items are the count when it is served."""
    def setup():  # type: ignore[no-untyped-def]
        calls = [0]

        def idle() -> bool:
            if limit is not None and calls[0] >= limit:
                return False
            time.sleep(0.002)
            calls[0] += 1
            return True
        return (lambda payload: (lambda a, b: [calls[0]] * (b - a))), idle
    return setup


def test_an_idle_worker_works_ahead_until_it_has_nothing_left() -> None:
    from tm.twoends import Worker

    worker = Worker.start(_idle_setup(limit=25))
    assert worker is not None
    first = worker.submit(1, None, chunk=1)
    assert first.wait_ready(0) or first.remaining() == 0
    first.finish(None)
    time.sleep(0.3)  # this process's other work: the worker does its idle work
    got = worker.submit(4, None, chunk=4).finish(None)
    worker.close()
    assert got == [25] * 4  # all of it, and not called again once it said it was done


def test_a_list_stops_the_idle_work_at_once() -> None:
    from tm.twoends import Worker

    worker = Worker.start(_idle_setup(limit=None))  # idle work that never ends
    assert worker is not None
    first = worker.submit(1, None, chunk=1)
    assert first.wait_ready(0) or first.remaining() == 0
    first.finish(None)
    time.sleep(0.1)
    began = time.monotonic()
    got = worker.submit(4, None, chunk=4).finish(None)
    assert time.monotonic() - began < 1.0  # served between two idle calls
    worker.close()
    assert got[0] is not MISSING and got[0] > 0
