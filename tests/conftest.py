"""Shared fixtures: a throw-away copy of the bundled project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LECTURE = ROOT / "sources" / "lectures" / "weiss-2025-stalinist-war-on-trotskyists.md"
LECTURE_DOC = "lectures/weiss-2025-stalinist-war-on-trotskyists"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh tm project holding the bundled lecture, as the current folder."""
    (tmp_path / "sources" / "lectures").mkdir(parents=True)
    shutil.copy(LECTURE, tmp_path / "sources" / "lectures" / LECTURE.name)
    (tmp_path / "tm.toml").write_text(
        'languages = ["en", "ru", "de"]\nbuiltin_terms = false\n'
        '[[documents]]\nglob = "**/*.md"\nlanguage = "en"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


CHECK_PROJECT = Path(__file__).parent / "data" / "check_project"
REVIEW_PROJECT = Path(__file__).parent / "data" / "review_project"


def _copy_project(src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(src, root)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of tests/data/check_project (catalogs with planted QA faults), as cwd."""
    return _copy_project(CHECK_PROJECT, tmp_path, monkeypatch)


@pytest.fixture
def rproj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of tests/data/review_project (one catalog entry of every kind), as cwd."""
    return _copy_project(REVIEW_PROJECT, tmp_path, monkeypatch)
