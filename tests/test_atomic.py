"""tm.atomic reads files piece by piece: the same answers as reading them whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from tm import atomic
from tm.atomic import FileChanged, FileState, atomic_write_bytes, current_state, holds


@pytest.mark.parametrize("size", [0, 1, atomic.STEP - 1, atomic.STEP, 3 * atomic.STEP + 7])
def test_a_file_read_in_pieces_is_the_file(tmp_path: Path, size: int) -> None:
    data = bytes(i * 7 % 251 for i in range(size))
    path = tmp_path / "f.po"
    path.write_bytes(data)
    assert b"".join(atomic.pieces(path)) == data
    assert current_state(path) == FileState.of(data)
    assert holds(path, data)
    if size:
        changed = bytearray(data)
        changed[size // 2] ^= 1
        assert not holds(path, bytes(changed))
        assert current_state(path) != FileState.of(bytes(changed))
    assert not holds(path, data + b"x") and not holds(tmp_path / "none", data)


def test_a_write_refuses_a_file_saved_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "f.po"
    path.write_bytes(b"a" * (2 * atomic.STEP + 3))
    seen = current_state(path)
    assert not atomic_write_bytes(path, path.read_bytes(), expect=seen)  # unchanged
    path.write_bytes(b"b" * (2 * atomic.STEP + 3))  # a translator's save, same size
    with pytest.raises(FileChanged):
        atomic_write_bytes(path, b"tm's text", expect=seen)
    assert path.read_bytes() == b"b" * (2 * atomic.STEP + 3)
    assert atomic_write_bytes(path, b"tm's text", expect=current_state(path))
    assert path.read_bytes() == b"tm's text"
    assert current_state(tmp_path) == FileState(True, -1, "folder")
    assert current_state(tmp_path / "none") == FileState(False)


def test_two_checked_writers_never_both_replace_the_file(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """tm and an editor built on tm.atomic both read the catalog, then both save it with
    `expect`: one of them must get FileChanged (not both succeed, the second undoing the
    first's save). The first is held between its check and its rename while the second
    tries."""
    import threading
    import time

    path = tmp_path / "ru.po"
    path.write_bytes(b"read by both")
    state = FileState.of(b"read by both")
    checked, go = threading.Event(), threading.Event()
    real = atomic._still

    def slow_check(p: Path, expect: FileState) -> bool:
        now = real(p, expect)
        if threading.current_thread().name == "tm":
            checked.set()
            go.wait(5)
        return now

    monkeypatch.setattr(atomic, "_still", slow_check)
    results: dict[str, object] = {}

    def save(who: str) -> None:
        try:
            results[who] = atomic_write_bytes(path, who.encode(), expect=state)
        except FileChanged:
            results[who] = "changed"

    tm = threading.Thread(target=save, args=("tm",), name="tm")
    tm.start()
    assert checked.wait(5)
    editor = threading.Thread(target=save, args=("editor",), name="editor")
    editor.start()
    time.sleep(0.2)  # the editor's save, unless it waits its turn, is done by now
    go.set()
    tm.join(5)
    editor.join(5)
    assert results == {"tm": True, "editor": "changed"}
    assert path.read_bytes() == b"tm"


def test_a_link_is_written_through_and_a_device_is_never_replaced(tmp_path: Path) -> None:
    import os

    from tm.atomic import NotAFile

    target = tmp_path / "real.po"
    target.write_bytes(b"old")
    link = tmp_path / "link.po"
    link.symlink_to(target)
    assert atomic_write_bytes(link, b"new", expect=FileState.of(b"old"))
    assert link.is_symlink() and target.read_bytes() == b"new"
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path in (fifo, tmp_path):
        with pytest.raises(NotAFile, match="cannot write"):
            atomic_write_bytes(path, b"x", expect=FileState.of(b"x"))
    assert fifo.is_fifo()


@pytest.mark.parametrize("name", ["я" * 125 + ".po", "x" + "я" * 124 + ".po", "a" * 250 + ".po"])
def test_a_long_legal_name_is_written(tmp_path: Path, name: str) -> None:
    """A name of up to 255 bytes is legal; its temporary's name was over the limit."""
    path = tmp_path / name
    assert len(name.encode()) <= 255
    assert atomic_write_bytes(path, b"data") and path.read_bytes() == b"data"
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary left
    temp = atomic.temporary_name(path)
    assert len(temp.name.encode()) <= 255 and atomic.TEMP_RE.match(temp.name)
    import os

    os.fsencode(temp.name).decode("utf-8")  # cut at a character: no half of a letter


def test_a_save_renamed_over_the_file_while_tm_checks_it_is_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor that saves by renaming a new file over the catalog, while tm hashes the
    old one right before replacing it (milliseconds for a big catalog), is seen: tm
    raises FileChanged and the editor's save stays (a tester lost 9 saves in 20 this
    way)."""
    import hashlib
    import os

    path = tmp_path / "f.po"
    old = b"a" * (3 * atomic.STEP + 5)
    path.write_bytes(old)
    seen = current_state(path)
    hashers: list[object] = []

    class Hasher:
        def __init__(self) -> None:
            self.inner = hashlib.sha256()
            self.saved = False
            hashers.append(self)

        def update(self, piece: object) -> None:
            if len(hashers) == 2 and not self.saved:  # tm's last look before the rename
                self.saved = True
                (tmp_path / "f.po.ed").write_bytes(b"the editor's save")
                os.replace(tmp_path / "f.po.ed", path)
            self.inner.update(piece)  # type: ignore[arg-type]

        def hexdigest(self) -> str:
            return self.inner.hexdigest()

    class Hashlib:
        sha256 = Hasher

    monkeypatch.setattr(atomic, "hashlib", Hashlib)
    with pytest.raises(FileChanged):
        atomic_write_bytes(path, b"tm's text", expect=seen)
    assert path.read_bytes() == b"the editor's save"
