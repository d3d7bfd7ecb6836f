"""tm.shards: a dict written in shards reads back the same, one shard at a time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tm import shards

KEY = b"tm-test key\n"


def _rows(n: int) -> dict[object, object]:
    out: dict[object, object] = {}
    for i in range(n):
        out[f"sentence {i} \u0436"] = (f"перевод {i}", bool(i % 2), (f"tm: {i}",))
        out[(f"text {i}", "msgid", "", 79)] = f'"text {i}"'
        out[f"run {i}".encode()] = [(i, i + 1)]
    return out


def _file(tmp_path: Path, rows: dict[object, object], *plain: dict[object, object]) -> Path:
    path = tmp_path / "kept.bin"
    path.write_bytes(KEY + shards.dump(rows) + b"".join(map(shards.chunk, plain)))
    return path


def test_what_is_written_reads_back_the_same(tmp_path: Path) -> None:
    rows = _rows(500)
    kept, whole = shards.load(_file(tmp_path, rows), KEY)
    assert whole and kept is not None
    assert all(kept[k] == v and k in kept and kept.get(k) == v for k, v in rows.items())
    assert "absent" not in kept and kept.get("absent", 7) == 7
    with pytest.raises(KeyError):
        kept["absent"]
    assert dict(kept.everything()) == rows
    assert shards.read_chunks(shards.dump(rows)) == ([rows], True)


def test_a_lookup_reads_only_the_shard_of_its_key(tmp_path: Path) -> None:
    rows = _rows(500)
    kept, _ = shards.load(_file(tmp_path, rows), KEY)
    assert kept is not None and len(kept) == 0 and kept.total() == len(rows)
    key = "sentence 7 \u0436"
    assert kept[key] == rows[key]
    same = [k for k in rows if shards.shard_of(k) == shards.shard_of(key)]
    assert len(kept) == len(same) < len(rows) // 10  # one shard of 64 read
    assert set(kept) == set(same)


def test_rows_set_or_appended_win_over_the_shards(tmp_path: Path) -> None:
    rows = _rows(50)
    newer = {"sentence 3 \u0436": ("newer", False, ())}
    kept, whole = shards.load(_file(tmp_path, rows, newer), KEY)
    assert whole and kept is not None
    assert kept["sentence 3 \u0436"] == ("newer", False, ())
    kept["sentence 4 \u0436"] = ("set", True, ())
    kept.everything()
    assert kept["sentence 4 \u0436"] == ("set", True, ())
    assert kept["sentence 5 \u0436"] == rows["sentence 5 \u0436"]


def test_damage_is_never_read_as_rows(tmp_path: Path) -> None:
    rows = _rows(50)
    path = _file(tmp_path, rows)
    data = path.read_bytes()
    assert shards.load(path, b"another key\n") == (None, False)
    path.write_bytes(data[:-10])  # cut short
    kept, whole = shards.load(path, KEY)
    assert not whole and kept is not None and len(kept.everything()) == 0
    table = bytearray(data)
    table[len(KEY) + 30] ^= 1  # the table
    path.write_bytes(bytes(table))
    assert shards.load(path, KEY)[1] is False
    blob = bytearray(data)
    blob[-3] ^= 0xFF  # the last shard's rows
    path.write_bytes(bytes(blob))
    kept, whole = shards.load(path, KEY)
    assert kept is not None and whole
    got = dict(kept.everything())
    assert kept.damaged and got != rows and all(rows[k] == v for k, v in got.items())


def test_a_file_replaced_meanwhile_is_not_mixed_in(tmp_path: Path) -> None:
    """Shards are read from the file as it was opened (another run's rename leaves the
    opened file as it was)."""
    rows = _rows(50)
    path = _file(tmp_path, rows)
    kept, _ = shards.load(path, KEY)
    other = tmp_path / "other.bin"
    other.write_bytes(KEY + shards.dump({k: "other" for k in rows}))
    os.replace(other, path)
    assert kept is not None and dict(kept.everything()) == rows


def test_a_huge_size_in_a_damaged_header_is_damage_not_a_crash(tmp_path: Path) -> None:
    rows = _rows(20)
    path = _file(tmp_path, rows)
    whole = path.read_bytes()
    path.write_bytes(whole + (1 << 48).to_bytes(8, "little") + b"x" * 16)
    kept, ok = shards.load(path, KEY)
    assert kept is not None and not ok and dict(kept.everything()) == rows
    top = bytearray(whole)
    top[len(KEY) + 7] ^= 0x7F  # the sharded chunk's size
    path.write_bytes(bytes(top))
    kept, ok = shards.load(path, KEY)
    assert kept is not None and not ok and len(kept.everything()) == 0


def test_files_that_are_not_regular_files_are_not_read(tmp_path: Path) -> None:
    """A FIFO would block a run forever (holding the project's lock), a device would be
    read without end."""
    import signal

    fifo = tmp_path / "fifo.bin"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.bin"
    zero.symlink_to("/dev/zero")
    signal.alarm(10)  # a hang fails the test instead of the suite
    try:
        assert shards.load(fifo, KEY) == (None, False)
        assert shards.load(zero, KEY) == (None, False)
        assert shards.load(tmp_path, KEY) == (None, False)
    finally:
        signal.alarm(0)
