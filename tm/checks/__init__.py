"""Checks on catalogs (`tm check`) and sources (`tm lint`): counts, QA, policy.

One function per check, registered by a stable code in `registry` (a new check: see
its docstring, or docs/ARCHITECTURE.md); `policy` says what the project's [check]
settings make of a code; `jobs` lists what to check; `run` checks it; `output` renders
the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOMES: dict[str, str] = {
    "Context": "context", "Counts": "counts", "count_catalog": "counts", "state": "counts",
    "qa_enabled": "policy", "severity": "policy", "ALL_CODES": "registry",
    "LINT_CHECKS": "registry", "QA_CHECKS": "registry", "Check": "registry",
    "LintCheck": "registry", "CheckReport": "run", "FileReport": "run", "check_paths": "run",
    "check_project": "run", "lint_project": "run", "lint_source": "run",
    "qa_findings": "run", "run_job": "run",
}
"""Where each name of the package lives: imported at first use, so that the pre-fill
gate (which needs the registry's QA checks) does not import the catalog runner."""


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'tm.checks' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"tm.checks.{home}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ALL_CODES", "LINT_CHECKS", "QA_CHECKS", "Check", "CheckReport", "Context", "Counts",
    "FileReport", "LintCheck", "check_paths", "check_project", "count_catalog", "lint_project",
    "lint_source", "qa_enabled", "qa_findings", "run_job", "severity", "state",
]
