"""Shared fixtures (a throw-away copy of the bundled project), the books that are not
shipped, and the CI switch under which a skipped test is a failed one.

`TM_REQUIRE_TOOLS=1` (set by .ci/run) turns every skip into a failure: CI installs
gettext, PostgreSQL, Chromium and OmegaT, so a test that skips there says a tool is
missing, not that all is well. The one exception is a test marked `corpus`: it needs the
whole Rust books, which the repository cannot ship (TM_CORPORA names their folder).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
LECTURE = ROOT / "sources" / "lectures" / "weiss-2025-stalinist-war-on-trotskyists.md"
LECTURE_DOC = "lectures/weiss-2025-stalinist-war-on-trotskyists"
CORPORA = Path(os.environ.get("TM_CORPORA") or ROOT.parent / "corpora")
"""The folder holding `rust-lang+book/src` and `rust-lang-ru+book/rustbook-ru/src`:
TM_CORPORA, else a `corpora` folder beside the repository."""
REQUIRE_TOOLS = "TM_REQUIRE_TOOLS"
_MADE_CACHE: list[str] = []
"""The user cache folder this process made for the tests (removed when they end)."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "corpus: needs the books under TM_CORPORA (may skip even in CI)")
    if "TM_USER_CACHE" not in os.environ:  # the tests never write into ~/.cache/tm
        import tempfile

        os.environ["TM_USER_CACHE"] = tempfile.mkdtemp(prefix="tm-test-user-cache-")
        _MADE_CACHE.append(os.environ["TM_USER_CACHE"])


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _MADE_CACHE:  # a run leaves no folder behind in the temp dir
        shutil.rmtree(folder, ignore_errors=True)
        if os.environ.get("TM_USER_CACHE") == folder:
            del os.environ["TM_USER_CACHE"]
    _MADE_CACHE.clear()


def _required() -> bool:
    return os.environ.get(REQUIRE_TOOLS, "") not in ("", "0")


def _as_failure(report: pytest.TestReport | pytest.CollectReport) -> None:
    """A skip report made a failure that says why it was skipped and why that fails."""
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    report.outcome = "failed"
    report.longrepr = (f"skipped under {REQUIRE_TOOLS}=1, where every tool the tests use "
                       f"must be installed: {reason}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if (report.skipped and _required() and not hasattr(report, "wasxfail")
            and item.get_closest_marker("corpus") is None):
        _as_failure(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, None]:
    """A module-level skip (`pytest.importorskip`) fails too."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and _required():
        _as_failure(report)


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
