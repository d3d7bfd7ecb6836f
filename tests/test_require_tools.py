"""The CI switch of tests/conftest.py: under TM_REQUIRE_TOOLS=1 a skipped test (a tool
missing: gettext, PostgreSQL, Chromium, OmegaT) fails, as does a module skipped at
import; `corpus` tests and expected failures keep their outcome. Run in a child pytest on
a copy of the conftest, so the switch is tested as CI uses it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

CONFTEST = Path(__file__).parent / "conftest.py"
TESTS = '''
import pytest

def test_passes():
    pass

def test_tool_missing():
    pytest.skip("GNU msgfmt is not installed")

@pytest.mark.skipif(True, reason="chromium is not installed")
def test_marked_skip():
    pass

@pytest.mark.corpus
def test_book():
    pytest.skip("the books are not on this machine")

@pytest.mark.xfail(reason="a known bug", strict=True)
def test_known_bug():
    assert False
'''
MODULE_SKIP = 'import pytest\npytest.importorskip("no_such_module_tm_needs")\n'


def run(tmp_path: Path, switch: str | None) -> tuple[dict[str, int], str]:
    shutil.copy(CONFTEST, tmp_path / "conftest.py")
    (tmp_path / "test_tools.py").write_text(TESTS, "utf-8")
    (tmp_path / "test_module_skip.py").write_text(MODULE_SKIP, "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "TM_REQUIRE_TOOLS"}
    if switch is not None:
        env["TM_REQUIRE_TOOLS"] = switch
    r = subprocess.run([sys.executable, "-m", "pytest", "-rA", "-p", "no:cacheprovider",
                        "-p", "no:benchmark", "-p", "no:hypothesispytest",
                        "--continue-on-collection-errors", str(tmp_path)],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    last = r.stdout.strip().splitlines()[-1]
    counts = {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", last)}
    return counts, r.stdout


def test_without_the_switch_skips_are_skips(tmp_path: Path) -> None:
    counts, out = run(tmp_path, "0")
    assert counts == {"passed": 1, "skipped": 4, "xfailed": 1}, out


def test_under_the_switch_a_skip_fails_saying_why(tmp_path: Path) -> None:
    counts, out = run(tmp_path, "1")
    # the runtime skip fails; the skipif marker and the module skip fail as set-up and
    # collection errors; the corpus test still skips, the expected failure is one
    assert counts == {"failed": 1, "passed": 1, "skipped": 1, "xfailed": 1, "errors": 2}, out
    assert "ERROR collecting test_module_skip.py" in out
    assert "skipped under TM_REQUIRE_TOOLS=1" in out
    assert "GNU msgfmt is not installed" in out
    assert "chromium is not installed" in out
    assert "no_such_module_tm_needs" in out
