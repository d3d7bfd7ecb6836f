"""Several tms, translators and killed runs in one project: nothing lost, nothing stuck.

The project lock (`.tm/lock`), catalogs saved by a translator while `tm segment` runs,
the modes of the files tm writes, and the temporary files a killed run leaves.
"""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import LECTURE, LECTURE_DOC
from tm import catalog as catalogs
from tm.atomic import FileChanged, atomic_write, read_state, sweep_temporaries
from tm.cli import app
from tm.config import load_config
from tm.lock import project_lock
from tm.po import format_po, parse_po, read_po, write_po
from tm.project import merge_project, segment_project

runner = CliRunner()
TM = [sys.executable, "-c", "import sys; from tm.cli import main; sys.argv[0] = 'tm'; main()"]
HOLD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from tm.lock import project_lock
    with project_lock(Path(sys.argv[1]), sys.argv[2]):
        print("locked", flush=True)
        time.sleep(float(sys.argv[3]))
""")


def tm(root: Path, *args: str, timeout: float = 0.5) -> subprocess.CompletedProcess[str]:
    """The tm command in a subprocess, as users run it (a real second process)."""
    env = {**os.environ, "TM_LOCK_TIMEOUT": str(timeout)}
    return subprocess.run([*TM, *args], cwd=root, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def holder(project: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the project's lock as `tm segment` (for 60 s at most)."""
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(project), "tm segment", "60"],
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None and p.stdout.readline().strip() == "locked"
    yield p
    p.kill()
    p.wait()


# --- the project lock -------------------------------------------------------------------


def test_second_writer_waits_then_exits_2_naming_the_holder(
        project: Path, holder: subprocess.Popen[str]) -> None:
    start = time.monotonic()
    r = tm(project, "segment", "--no-memory", timeout=0.6)
    waited = time.monotonic() - start
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == (
        f"tm: error: .tm/lock:1: another tm is running (pid {holder.pid}: tm segment) "
        "(wait for it or remove the lock if that process is gone)")
    assert waited >= 0.6
    assert not (project / "locales").exists()  # it wrote nothing


def test_every_writing_command_takes_the_lock(project: Path, holder: subprocess.Popen[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TM_LOCK_TIMEOUT", "0.2")
    (project / "x.tmx").write_bytes((Path(__file__).parent / "data" /
                                     "memory_lecture.tmx").read_bytes())
    for args in (["segment"], ["merge"], ["memory", "import", "x.tmx"], ["learn"],
                 ["memory", "export", "out.tmx"]):
        r = runner.invoke(app, args)
        assert r.exit_code == 2, (args, r.output)
        assert f"another tm is running (pid {holder.pid}: tm segment)" in r.output, args
    assert sorted(p.name for p in project.iterdir()) == [".tm", "sources", "tm.toml", "x.tmx"]


def test_read_only_commands_do_not_wait(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert runner.invoke(app, ["segment", "--no-memory"]).exit_code == 0
    monkeypatch.setenv("TM_LOCK_TIMEOUT", "30")
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(project), "tm segment", "60"],
                         stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout is not None and p.stdout.readline().strip() == "locked"
        for args in (["status"], ["check"], ["lint"], ["--help"], ["segment", "--help"]):
            start = time.monotonic()
            r = runner.invoke(app, args)
            assert "another tm" not in r.output
            assert r.exit_code in (0, 1), (args, r.output)
            assert time.monotonic() - start < 20
    finally:
        p.kill()
        p.wait()


def test_search_works_while_another_tm_writes(project: Path) -> None:
    (project / "x.tmx").write_bytes((Path(__file__).parent / "data" /
                                     "memory_lecture.tmx").read_bytes())
    assert tm(project, "memory", "import", "x.tmx").returncode == 0
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(project), "tm segment", "60"],
                         stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout is not None and p.stdout.readline().strip() == "locked"
        r = tm(project, "memory", "search", "He bluntly told his accusers that they were "
               "sitting there.", "--to", "ru", "--json", timeout=30)
    finally:
        p.kill()
        p.wait()
    assert r.returncode == 0, r.stderr
    assert "Он прямо сказал своим обвинителям" in r.stdout
    assert f"another tm is running (pid {p.pid}: tm segment)" in r.stderr


def test_second_writer_proceeds_when_the_first_finishes(project: Path) -> None:
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(project), "tm merge", "0.8"],
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None and p.stdout.readline().strip() == "locked"
    start = time.monotonic()
    r = tm(project, "segment", "--no-memory", timeout=30)
    p.wait()
    assert r.returncode == 0, r.stderr
    assert time.monotonic() - start >= 0.5
    assert (project / "locales" / "ru" / f"{LECTURE_DOC}.po").is_file()
    assert not (project / ".tm" / "lock").exists()  # removed by its last holder


def test_a_killed_holder_leaves_no_lock_that_blocks(project: Path) -> None:
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(project), "tm segment", "60"],
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None and p.stdout.readline().strip() == "locked"
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    lock = project / ".tm" / "lock"
    assert lock.read_text().startswith(f"{p.pid} tm segment")  # the file stays...
    r = tm(project, "segment", "--no-memory", timeout=0.1)
    assert r.returncode == 0, r.stderr  # ...the lock does not
    assert not lock.exists()


def test_a_lock_file_naming_a_dead_pid_is_taken_over(project: Path) -> None:
    (project / ".tm").mkdir()
    (project / ".tm" / "lock").write_text("999999999 tm segment\n")
    assert tm(project, "segment", "--no-memory", timeout=0).returncode == 0


def test_lock_is_reentrant_in_one_process_and_exclusive_across(tmp_path: Path) -> None:
    with project_lock(tmp_path, "tm segment"), project_lock(tmp_path, "tm merge"):
        assert (tmp_path / ".tm" / "lock").read_text().startswith(f"{os.getpid()} tm segment")
        r = subprocess.run([sys.executable, "-c", HOLD, str(tmp_path), "x", "0"],
                           env={**os.environ, "TM_LOCK_TIMEOUT": "0.2"},
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 1 and "another tm is running" in r.stderr
    assert not (tmp_path / ".tm" / "lock").exists()


# --- no lost update ---------------------------------------------------------------------


def _translate_first(path: Path, text: str) -> str:
    """Save a translation of the first untranslated entry, as a PO editor would."""
    cat = read_po(path)
    m = next(m for m in cat.messages if not m.obsolete and not m.msgstr)
    m.msgstr = text
    write_po(path, cat)
    return m.msgid


def test_a_catalog_saved_during_segment_is_merged_again_not_overwritten(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config()
    segment_project(config)
    ru = config.catalog_path(LECTURE_DOC, "ru")
    src = config.source_path(LECTURE_DOC)
    src.write_text(src.read_text("utf-8") + "\nA brand new closing sentence.\n", "utf-8")
    saved: dict[str, str] = {}
    real = catalogs.update_catalog

    def translator_saves_meanwhile(template, old, lang, suggestions=None, **kw):  # type: ignore[no-untyped-def]
        new = real(template, old, lang, suggestions, **kw)
        if lang == "ru" and not saved:  # after tm read the catalog, before it writes
            saved[_translate_first(ru, "Перевод, сохранённый во время tm segment.")] = ""
        return new

    monkeypatch.setattr(catalogs, "update_catalog", translator_saves_meanwhile)
    segment_project(config)
    cat = read_po(ru)
    (msgid,) = saved
    assert cat.index()[(None, msgid)].msgstr == "Перевод, сохранённый во время tm segment."
    assert (None, "A brand new closing sentence.") in cat.index()  # and tm's update is in


def test_a_catalog_saved_on_every_attempt_stops_with_one_line(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config()
    segment_project(config)
    ru = config.catalog_path(LECTURE_DOC, "ru")
    src = config.source_path(LECTURE_DOC)
    src.write_text(src.read_text("utf-8") + "\nAnother new sentence.\n", "utf-8")
    real = catalogs.update_catalog
    n = [0]

    def always(template, old, lang, suggestions=None, **kw):  # type: ignore[no-untyped-def]
        new = real(template, old, lang, suggestions, **kw)
        if lang == "ru":
            n[0] += 1
            _translate_first(ru, f"правка {n[0]}")
        return new

    monkeypatch.setattr(catalogs, "update_catalog", always)
    r = runner.invoke(app, ["segment", "--no-memory"])
    assert r.exit_code == 2
    assert re.fullmatch(r"tm: error: .*ru/.*\.po:1: changed again and again while tm was "
                        r"updating it \(not overwritten\) \(.*\)\n", r.output), r.output
    last = read_po(ru)
    assert any(m.msgstr == f"правка {n[0]}" for m in last.messages)


def test_concurrent_editor_keeps_every_save(project: Path) -> None:
    """A real second process: an editor saves the catalog again and again while a real
    `tm segment` runs on a big document, until tm writes its template; tm must not
    overwrite the editor's last save."""
    big = project / "sources" / "lectures" / LECTURE.name
    runner.invoke(app, ["segment", "--no-memory"])
    text = LECTURE.read_text("utf-8")
    big.write_text("".join(f"{text}\n\nCopy number {i} of the lecture.\n\n"
                           for i in range(12)), "utf-8")
    pot = project / "locales" / "templates" / f"{LECTURE_DOC}.pot"
    po = project / "locales" / "ru" / f"{LECTURE_DOC}.po"
    pot_before = pot.read_bytes()
    proc = subprocess.Popen([*TM, "segment", "--no-memory"],
                            cwd=project, stderr=subprocess.PIPE, text=True)
    saves = 0
    while proc.poll() is None and pot.read_bytes() == pot_before:
        data, state = read_state(po)
        assert data is not None
        cat = parse_po(data.decode("utf-8"), str(po))
        m = next(m for m in cat.messages if not m.obsolete)
        m.msgstr = f"редакция {saves}"
        if pot.read_bytes() != pot_before:
            break  # tm is writing: a save from the catalog read before it would undo tm's
        try:  # an editor that notices a file changed on disk since it opened it
            atomic_write(po, format_po(cat), expect=state)
        except FileChanged:
            break
        saves += 1
        time.sleep(0.02)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert saves >= 3, "tm finished before the editor saved: make the document bigger"
    final = read_po(po)
    first = next(m for m in final.messages if not m.obsolete)
    assert first.msgstr == f"редакция {saves - 1}"
    assert any(m.msgid == "Copy number 11 of the lecture." for m in final.messages)


# --- file modes -------------------------------------------------------------------------


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_new_files_get_the_umask_default(project: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        config = load_config()
        segment_project(config)
        merge_project(config)
        out = project / "export.tmx"
        atomic_write(out, "x")
    finally:
        os.umask(old)
    want = 0o666 & ~umask
    written = [*project.glob("locales/**/*.po*"), *project.glob("build/**/*.md"), out]
    assert len(written) >= 5
    assert {p.name: oct(_mode(p)) for p in written} == {p.name: oct(want) for p in written}


def test_a_rewritten_file_keeps_its_mode(project: Path) -> None:
    config = load_config()
    segment_project(config)
    ru = config.catalog_path(LECTURE_DOC, "ru")
    de = config.catalog_path(LECTURE_DOC, "de")
    ru.chmod(0o664)
    de.chmod(0o640)
    src = config.source_path(LECTURE_DOC)
    src.write_text(src.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    segment_project(config)
    assert "One more sentence." in ru.read_text("utf-8")
    assert (_mode(ru), _mode(de)) == (0o664, 0o640)


def test_memory_import_and_export_keep_modes(project: Path) -> None:
    data = Path(__file__).parent / "data" / "memory_lecture.tmx"
    old = os.umask(0o002)
    try:
        r = runner.invoke(app, ["memory", "import", str(data)])
        assert r.exit_code == 0, r.output
        copied = project / "memory" / data.name
        assert _mode(copied) == 0o664
        copied.chmod(0o644)
        out = project / "all.tmx"
        out.write_text("old")
        out.chmod(0o660)
        r = runner.invoke(app, ["memory", "export", str(out)])
        assert r.exit_code == 0, r.output
        assert _mode(out) == 0o660 and out.read_text("utf-8").startswith("<?xml")
    finally:
        os.umask(old)


# --- temporary files of killed runs -----------------------------------------------------


KILLED_WRITE = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    import tm.atomic
    def killed(*a):
        os.kill(os.getpid(), signal.SIGKILL)
    tm.atomic.os.replace = killed
    tm.atomic.atomic_write(Path(sys.argv[1]), "half a catalog")
""")


def test_temporary_files_of_a_killed_run_are_removed_by_the_next(project: Path) -> None:
    runner.invoke(app, ["segment", "--no-memory"])
    po = project / "locales" / "ru" / f"{LECTURE_DOC}.po"
    before = po.read_bytes()
    r = subprocess.run([sys.executable, "-c", KILLED_WRITE, str(po)], timeout=60)
    assert r.returncode == -signal.SIGKILL
    left = [p.name for p in po.parent.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1 and left[0].startswith(f".{po.name}.tm-")
    assert po.read_bytes() == before  # the catalog itself is whole
    legacy = po.parent / f".{po.name}.ab12cd34.tmp"  # mkstemp name of earlier versions
    legacy.write_text("x")
    os.utime(legacy, (time.time() - 7200, time.time() - 7200))
    alive = po.parent / f".{po.name}.tm-{os.getpid()}-0a0b.tmp"  # a run still going
    alive.write_text("x")
    src = project / "sources" / "lectures" / LECTURE.name
    src.write_text(src.read_text("utf-8") + "\nNew.\n", "utf-8")
    r2 = runner.invoke(app, ["segment", "--no-memory"])
    assert r2.exit_code == 0, r2.output
    assert sorted(p.name for p in po.parent.iterdir()) == sorted([po.name, alive.name])
    parse_po(po.read_text("utf-8"))


def test_sweep_leaves_other_files_alone(tmp_path: Path) -> None:
    keep = [".hidden.tmp", "a.tmp", ".x.po.tm-1-zz.tmp", ".x.po.abc.tmp", "notes.txt"]
    for name in keep:
        (tmp_path / name).write_text("x")
        os.utime(tmp_path / name, (0, 0))
    (tmp_path / ".d.tm-999999999-ab.tmp").mkdir()
    assert sweep_temporaries(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*keep, ".d.tm-999999999-ab.tmp"])


# --- real runs at once ------------------------------------------------------------------


def test_two_real_segments_while_the_memory_is_indexed(project: Path) -> None:
    """The issue's case: two `tm segment` while the memory is (re-)indexed. With a long
    wait the second runs after the first; with a short one it stops with one line. Never
    `database is locked` or a traceback."""
    from tests.test_memory_pg import lecture_sentences, write_tmx

    (project / "memory").mkdir()
    sents = lecture_sentences()
    pairs = [(f"{s} ({i})", f"перевод {i}: {s}") for i in range(40) for s in sents]
    write_tmx(project / "memory" / "big.tmx", pairs)
    env = {**os.environ, "TM_LOCK_TIMEOUT": "120"}
    procs = [subprocess.Popen([*TM, "segment", "-q"], cwd=project, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(2)]
    results = [(p.wait(timeout=300), p.communicate()[1]) for p in procs]
    assert results == [(0, ""), (0, "")]
    write_tmx(project / "memory" / "big.tmx", pairs[::-1])  # re-indexed by the next run
    first = subprocess.Popen([*TM, "segment", "-q"], cwd=project, env=env, text=True,
                             stderr=subprocess.PIPE)
    lock = project / ".tm" / "lock"
    for _ in range(400):
        if lock.exists() and lock.read_text().strip():
            break
        time.sleep(0.01)
    second = tm(project, "segment", "-q", timeout=0)
    assert first.wait(timeout=300) == 0, first.communicate()[1]
    assert second.returncode in (0, 2), second.stderr  # 0: the first had already finished
    if second.returncode == 2:
        assert re.fullmatch(r"tm: error: \.tm/lock:1: another tm is running \(pid "
                            rf"{first.pid}: tm segment\) \(wait for it or remove the lock "
                            r"if that process is gone\)\n", second.stderr), second.stderr


def test_killed_segments_leave_no_torn_file_and_no_lock(project: Path) -> None:
    src = project / "sources" / "lectures" / LECTURE.name
    text = LECTURE.read_text("utf-8")
    for n, delay in enumerate((0.5, 1.0)):
        src.write_text("".join(f"{text}\n\nCopy {i} of {n}.\n\n" for i in range(6)), "utf-8")
        p = subprocess.Popen([*TM, "segment", "--no-memory"], cwd=project,
                             stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        for po in project.glob("locales/**/*.po*"):
            parse_po(po.read_text("utf-8"))  # whole: the old file or the new one
    r = tm(project, "segment", "--no-memory", timeout=0.5)
    assert r.returncode == 0, r.stderr
    assert [p for p in project.rglob("*.tmp")] == []
    assert not (project / ".tm" / "lock").exists()
    assert "Copy 5 of 1." in (project / "locales" / "ru" / f"{LECTURE_DOC}.po").read_text()


def test_every_file_a_real_run_writes_gets_the_umask_default(project: Path) -> None:
    """Catalogs, templates, build/, caches under .tm/ (written at exit too): 0666 less
    the umask (the SQLite index is SQLite's own: 0644 less the umask)."""
    (project / "memory").mkdir()
    (project / "memory" / "lecture.tmx").write_bytes(
        (Path(__file__).parent / "data" / "memory_lecture.tmx").read_bytes())
    old = os.umask(0o002)
    try:
        for args in (["segment"], ["merge"]):
            r = tm(project, *args, timeout=5)
            assert r.returncode == 0, r.stderr
    finally:
        os.umask(old)
    mine = {"tm.toml", "memory/lecture.tmx", f"sources/lectures/{LECTURE.name}"}
    modes = {p.relative_to(project).as_posix(): _mode(p) for p in project.rglob("*")
             if p.is_file()}
    written = {k: oct(v) for k, v in modes.items()
               if k not in mine and not k.startswith(".tm/index.sqlite")}
    assert len(written) >= 8 and any(k.startswith(".tm/") for k in written)
    assert written == {k: oct(0o664) for k in written}


def test_a_catalog_read_half_saved_is_read_again(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A catalog read while an editor rewrote it in place does not parse: tm reads it
    again once it has changed, rather than naming a line of it that is fine (a tester
    was sent to line 49,471 of a valid catalog)."""
    import tm.project as proj
    from tm.atomic import FileState

    config = load_config()
    segment_project(config)
    ru = config.catalog_path(LECTURE_DOC, "ru")
    msgid = _translate_first(ru, "Перевод переводчика.")
    src = config.source_path(LECTURE_DOC)
    src.write_text(src.read_text("utf-8") + "\nA brand new closing sentence.\n", "utf-8")
    real = proj._read_catalog_bytes
    torn: list[Path] = []

    def read_mid_save(path: Path) -> tuple[bytes | None, FileState]:
        data, state = real(path)
        if path == ru and not torn and data is not None:
            torn.append(path)
            half = data[: len(data) // 2] + b'\nmsgstr "unterminated'
            return half, FileState.of(half)
        return data, state

    monkeypatch.setattr(proj, "_read_catalog_bytes", read_mid_save)
    segment_project(config)
    assert torn
    cat = read_po(ru)
    assert cat.index()[(None, msgid)].msgstr == "Перевод переводчика."
    assert (None, "A brand new closing sentence.") in cat.index()
