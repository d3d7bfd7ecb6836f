"""Checks on catalogs (`tm check`) and sources (`tm lint`): counts, QA, policy.

One function per check, registered by a stable code in `registry` (a new check: see
its docstring, or docs/ARCHITECTURE.md); `policy` says what the project's [check]
settings make of a code; `jobs` lists what to check; `run` checks it; `output` renders
the result.
"""

from __future__ import annotations

from tm.checks.context import Context
from tm.checks.counts import Counts, count_catalog, state
from tm.checks.policy import qa_enabled, severity
from tm.checks.registry import ALL_CODES, LINT_CHECKS, QA_CHECKS, Check, LintCheck
from tm.checks.run import (
    CheckReport,
    FileReport,
    check_paths,
    check_project,
    lint_project,
    lint_source,
    qa_findings,
    run_job,
)

__all__ = [
    "ALL_CODES", "LINT_CHECKS", "QA_CHECKS", "Check", "CheckReport", "Context", "Counts",
    "FileReport", "LintCheck", "check_paths", "check_project", "count_catalog", "lint_project",
    "lint_source", "qa_enabled", "qa_findings", "run_job", "severity", "state",
]
