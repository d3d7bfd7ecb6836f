"""Which files are the project's memory: the `memory` globs mean the same to the index
(Config.memory_files) and to `tm memory import` (which refuses a file no glob covers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tm.config import Config, load_config
from tm.globs import glob_match
from tm.memory import memory_sources

FILES = ["memory/a.tmx", "memory/sub/b.tmx", "memory/c.csv", "x.tmx", "memory/.d.tmx",
         "other/memory/e.tmx", "memory/[x].tmx"]


@pytest.mark.parametrize("pattern", [
    "memory/*.tmx", "memory/**/*.tmx", "**/*.tmx", "*.tmx", "memory/*", "memory/a.tmx",
    "**/memory/*.tmx", "memory/?.tmx", "memory/[x].tmx", "nowhere/*.tmx"])
def test_memory_files_are_those_the_globs_match(tmp_path: Path, pattern: str) -> None:
    for rel in FILES:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("", "utf-8")
    (tmp_path / "tm.toml").write_text(f'languages = ["en", "ru"]\nmemory = ["{pattern}"]\n',
                                      "utf-8")
    config: Config = load_config(tmp_path)
    listed = {config.relative(p) for p in config.memory_files()}
    assert listed == {rel for rel in FILES if glob_match(pattern, rel)}
    assert {s.origin for s in memory_sources(config)} >= listed


def test_memory_files_outside_the_project(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "team.tmx").write_text("", "utf-8")
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "tm.toml").write_text(
        'languages = ["en", "ru"]\nmemory = ["../shared/*.tmx"]\n', "utf-8")
    config = load_config(tmp_path / "p")
    assert [p.name for p in config.memory_files()] == ["team.tmx"]
