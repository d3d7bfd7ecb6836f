""".pre-commit-hooks.yaml and docs/github-actions.yml: every tm command they run exists and
does its job on a copy of the bundled project (the apt-get and pip steps are left out)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tm.cli import app

yaml = pytest.importorskip("yaml")
ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def hooks() -> list[dict[str, Any]]:
    return list(yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8")))


def workflow_commands() -> list[str]:
    """The `tm ...` lines of the example workflow's run steps (no loops, no installs)."""
    flow = yaml.safe_load((ROOT / "docs" / "github-actions.yml").read_text("utf-8"))
    lines = [ln.strip() for step in flow["jobs"]["check"]["steps"]
             for ln in step.get("run", "").splitlines()]
    return [ln for ln in lines if ln.startswith("tm ") and "$" not in ln]


def tm(args: list[str]) -> Any:
    return runner.invoke(app, args)


@pytest.fixture
def segmented(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small project with a clean source (the bundled lecture has lint findings), just
    segmented."""
    monkeypatch.chdir(tmp_path)
    assert tm(["init"]).exit_code == 0
    (tmp_path / "sources" / "lectures").mkdir()
    (tmp_path / "sources" / "lectures" / "part4.md").write_text(
        "# The Left Opposition\n\nIn June 1927, Trotsky was summoned before the Central "
        "Control Commission. He defended the Opposition.\n", "utf-8")
    cfg = tmp_path / "tm.toml"
    cfg.write_text(cfg.read_text("utf-8").replace("ru = 100", "ru = 0"), "utf-8")
    assert tm(["segment", "--no-memory", "-q"]).exit_code == 0
    return tmp_path


def test_hook_manifest() -> None:
    found = hooks()
    assert [h["id"] for h in found] == ["tm-segment-check", "tm-check", "tm-lint"]
    for h in found:
        assert {"id", "name", "entry", "language"} <= h.keys()
        assert h["language"] == "python" and h["pass_filenames"] is False
        files = re.compile(h["files"])
        assert files.search("sources/lectures/part4.md") and files.search("tm.toml")
        assert not files.search("README.txt") and not files.search("notes/tm.toml.bak")
        assert tm([*shlex.split(h["entry"])[1:], "--help"]).exit_code == 0
    assert re.compile(found[0]["files"]).search("locales/ru/lectures/part4.po")


def test_hooks_pass_then_catch_a_stale_catalog(segmented: Path) -> None:
    for h in hooks():
        r = tm(shlex.split(h["entry"])[1:])
        assert r.exit_code == 0, (h["id"], r.output)
    cfg = segmented / "tm.toml"
    cfg.write_text(cfg.read_text("utf-8").replace("ru = 0", "ru = 100"), "utf-8")
    r = tm(shlex.split(hooks()[1]["entry"])[1:])
    assert r.exit_code == 1 and "below-minimum" in r.stdout  # the gate fails, and says why
    src = next((segmented / "sources").rglob("*.md"))
    src.write_text(src.read_text("utf-8") + "\nA sentence added without tm segment.\n", "utf-8")
    r = tm(shlex.split(hooks()[0]["entry"])[1:])
    assert r.exit_code == 1 and r.stdout.splitlines() == [
        "locales/templates/lectures/part4.pot", "locales/ru/lectures/part4.po",
        "locales/de/lectures/part4.po"]


def test_workflow_commands_run(segmented: Path) -> None:
    commands = workflow_commands()
    assert commands == ["tm segment --check --no-memory", "tm lint --format github",
                        "tm check --format github", "tm merge --quiet"]
    for line in commands:
        r = tm(shlex.split(line)[1:])
        assert r.exit_code == 0, (line, r.output)
    # the loop over languages: what `tm status --json` lists, each with a review page
    r = tm(["status", "--json"])
    for lang in ("ru", "de"):
        assert f'"language": "{lang}"' in r.stdout
        assert tm(["review", "--lang", lang]).exit_code == 0
        assert (segmented / "build" / f"review-{lang}.html").is_file()
