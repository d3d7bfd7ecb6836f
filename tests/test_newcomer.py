"""What a newcomer runs into first: `tm --version`, usage errors in the one-line form,
`tm init`'s .gitignore, `tm segment` in an empty project, `tm memory search` without
--from, and the integration files (pre-commit hooks, the GitHub Actions example)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tm import __version__
from tm.cli import app, main
from tm.init import GITIGNORE, update_gitignore

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str],
             monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """The console script as a user runs it: exit code, stdout, stderr."""
    monkeypatch.setattr(sys, "argv", ["tm", *argv])
    with pytest.raises(SystemExit) as e:
        main()
    out = capsys.readouterr()
    return int(e.value.code or 0), out.out, out.err


def test_version(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib.metadata import version

    assert run_main(["--version"], capsys, monkeypatch) == (0, f"tm {__version__}\n", "")
    assert __version__ == version("tm")


@pytest.mark.parametrize("argv, line", [
    (["frobnicate"], "tm: error: no such command 'frobnicate' (see `tm --help`)"),
    (["memory", "frob"], "tm: error: no such command 'frob' (see `tm memory --help`)"),
    (["segment", "--bogus"], "tm: error: no such option: --bogus (see `tm segment --help`)"),
    (["review"], "tm: error: missing option '--lang' / '-l' (see `tm review --help`)"),
    (["check", "-f", "xml"], "tm: error: invalid value for '--format' / '-f': 'xml' is not "
                             "one of 'text', 'json', 'github' (see `tm check --help`)"),
])
def test_usage_errors_are_one_line(argv: list[str], line: str, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_main(argv, capsys, monkeypatch) == (2, "", line + "\n")


def test_exit_codes_pass_through_main(proj: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run_main(["check"], capsys, monkeypatch)  # de is below its minimum
    assert code == 1 and "below-minimum" in out
    assert run_main(["status", "--json"], capsys, monkeypatch)[0] == 0
    code, out, err = run_main([], capsys, monkeypatch)  # plain `tm`: the help
    assert code == 2 and "Usage: tm [OPTIONS] COMMAND" in out + err


def test_init_writes_gitignore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["init"])
    assert r.exit_code == 0 and "created .gitignore" in r.stdout
    text = (tmp_path / ".gitignore").read_text("utf-8")
    assert [ln for ln in text.splitlines() if not ln.startswith("#")] == list(GITIGNORE)
    # a second init (--force) does not add the lines again
    assert runner.invoke(app, ["init", "--force"]).exit_code == 0
    assert (tmp_path / ".gitignore").read_text("utf-8") == text


def test_gitignore_of_the_user_is_kept(tmp_path: Path) -> None:
    path = tmp_path / ".gitignore"
    path.write_text("node_modules\n.tm", "utf-8")  # no final newline; .tm there already
    assert update_gitignore(path)
    lines = path.read_text("utf-8").splitlines()
    assert lines[:2] == ["node_modules", ".tm"] and lines[-1] == "/build/"
    assert "/.tm/" not in lines
    assert not update_gitignore(path)


def test_segment_without_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["init"]).exit_code == 0
    r = runner.invoke(app, ["segment"])
    assert (r.exit_code, r.stdout) == (0, "")
    assert r.stderr == "tm: no source documents under sources/ (add a .md file there)\n"
    assert runner.invoke(app, ["segment", "-q"]).stderr == ""
    # Markdown that no [[documents]] glob claims is a configuration error
    cfg = tmp_path / "tm.toml"
    cfg.write_text(cfg.read_text("utf-8").replace('glob = "**/*.md"', 'glob = "talks/*.md"'),
                   "utf-8")
    (tmp_path / "sources" / "lectures").mkdir()
    (tmp_path / "sources" / "lectures" / "a.md").write_text("# A\n", "utf-8")
    r = runner.invoke(app, ["segment"])
    line = cfg.read_text("utf-8")[:cfg.read_text("utf-8").index("[[documents]]")].count("\n") + 1
    assert r.exit_code == 2
    assert r.stderr == (f"tm: error: tm.toml:{line}: no [[documents]] glob matches the 1 .md "
                        'file(s) under sources/ (add one, e.g. glob = "**/*.md" and its '
                        "language)\n")


def test_memory_search_infers_the_source_language(project: Path) -> None:
    (project / "memory").mkdir()
    (project / "memory" / "m.csv").write_text(
        "en,ru\nThe Opposition demanded democracy.,Оппозиция требовала демократии.\n", "utf-8")
    # English text --to ru: en -> ru
    r = runner.invoke(app, ["memory", "search", "The Opposition demanded democracy.",
                            "--to", "ru", "--json"])
    assert r.exit_code == 0, r.output
    assert '"target": "Оппозиция требовала демократии."' in r.stdout
    # Russian text --to ru in an English-source project: searched as the documents'
    # language, not refused as "ru to ru"
    r = runner.invoke(app, ["memory", "search", "Оппозиция требовала демократии.",
                            "--to", "ru"])
    assert r.exit_code == 0, r.output
    # Russian text --to en: ru -> en
    r = runner.invoke(app, ["memory", "search", "Оппозиция требовала демократии.",
                            "--to", "en", "--json"])
    assert r.exit_code == 0 and '"target": "The Opposition demanded democracy."' in r.stdout


def test_shell_completion(capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    """typer's completion through the console script: commands, sub-commands, choices."""
    monkeypatch.setenv("_TM_COMPLETE", "complete_bash")
    for words, want in (("tm rev", ["review"]), ("tm xliff ", ["export", "import"]),
                        ("tm check --format ", ["text", "json", "github"])):
        monkeypatch.setenv("COMP_WORDS", words)
        monkeypatch.setenv("COMP_CWORD", str(len(words.split()) - (0 if words[-1] == " " else 1)))
        code, out, _ = run_main([], capsys, monkeypatch)
        assert (code, out.split()) == (0, want)
    monkeypatch.delenv("_TM_COMPLETE")
    code, out, _ = run_main(["--show-completion", "bash"], capsys, monkeypatch)
    assert code == 0 and "_tm_completion" in out and "_TM_COMPLETE=complete_bash" in out


def test_ctrl_c_says_what_it_left(proj: Path, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C in the middle of a run: exit 130 with one line saying no file is half
    written (typer alone exits 130 without a word), and the catalogs as they were."""
    import tm.project

    po = next((proj / "locales" / "ru").rglob("*.po"))
    before = po.read_bytes()

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(tm.project, "segment_project", interrupted)
    code, out, err = run_main(["segment"], capsys, monkeypatch)
    assert (code, out) == (130, "")
    assert err.startswith("tm: interrupted: each file tm writes is replaced whole")
    assert err.count("\n") == 1 and po.read_bytes() == before
