"""Checks on catalogs (`tm check`) and sources (`tm lint`): counts, QA, policy.

One function per check, registered by a stable code in `registry`; the runner in
`run` applies the project's [check] policy; `output` renders the result.
"""

from __future__ import annotations

from tm.checks.context import Context
from tm.checks.counts import Counts, count_catalog, state
from tm.checks.registry import ALL_CODES, QA_CHECKS, Check
from tm.checks.run import (
    CheckReport,
    FileReport,
    check_paths,
    check_project,
    qa_findings,
    run_job,
    severity,
)

__all__ = [
    "ALL_CODES", "QA_CHECKS", "Check", "CheckReport", "Context", "Counts", "FileReport",
    "check_paths", "check_project", "count_catalog", "qa_findings", "run_job", "severity",
    "state",
]
