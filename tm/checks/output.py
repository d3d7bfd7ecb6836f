"""Render findings, of catalogs (a CheckReport) and of sources (`tm lint`): text for
people, JSON for scripts, annotations for GitHub. Every finding is written by the same
three functions, whichever check found it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from tm.checks.counts import Counts
from tm.checks.run import CheckReport, FileReport
from tm.errors import TmError, escape_control
from tm.model import Finding


def findings(report: CheckReport) -> Iterable[Finding]:
    for f in report.files:
        yield from f.findings


def finding_line(x: Finding) -> str:
    """`path:line: code: message`, control characters escaped."""
    return escape_control(f"{x.path}:{x.line}: {x.code}: {x.message}")


def finding_json(x: Finding) -> dict[str, object]:
    return {"path": x.path, "line": x.line, "code": x.code, "severity": x.severity,
            "message": x.message}


def finding_annotation(x: Finding) -> str:
    """`::error file=...,line=...::code: message`, shown on the diff by GitHub."""
    return (f"::{x.severity} file={_escape_property(x.path)},line={x.line}::"
            f"{_escape_data(f'{x.code}: {x.message}')}")


def to_json(report: CheckReport) -> dict[str, object]:
    """`{"ok", "files": [{"path", "language", counts..., "stale", "findings": [...]}]}`;
    a finding's own path is the catalog's, or the source's for a `stale` sentence."""
    return {
        "ok": report.ok,
        "files": [
            {
                "path": f.path,
                "language": f.language,
                "translated": f.counts.translated,
                "fuzzy": f.counts.fuzzy,
                "untranslated": f.counts.untranslated,
                "obsolete": f.counts.obsolete,
                "stale": f.stale,
                "findings": [finding_json(x) for x in f.findings],
            }
            for f in report.files
        ],
    }


def format_json(report: CheckReport) -> str:
    return json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n"


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def format_github(report: CheckReport) -> str:
    """Workflow commands (`::error file=...,line=...::message`) shown on the diff."""
    return "".join(finding_annotation(x) + "\n" for x in findings(report) if x.severity != "off")


def by_language(files: Iterable[FileReport]) -> dict[str, tuple[int, Counts, int, int]]:
    """language -> (files, summed counts, errors, warnings), in first-seen order."""
    out: dict[str, tuple[int, Counts, int, int]] = {}
    for f in files:
        n, c, e, w = out.get(f.language, (0, Counts(), 0, 0))
        out[f.language] = (n + 1, c + f.counts, e + f.errors, w + f.warnings)
    return out


def format_text(report: CheckReport) -> str:
    """`path:line: code: message` lines, then a summary table per language."""
    lines = [finding_line(x) for x in findings(report)]
    if lines:
        lines.append("")
    head = ("language", "files", "translated", "fuzzy", "untranslated", "done", "errors",
            "warnings")
    rows = [head]
    for lang, (n, c, e, w) in by_language(report.files).items():
        rows.append((lang or "?", str(n), str(c.translated), str(c.fuzzy), str(c.untranslated),
                     f"{c.percent(report.fuzzy_counts_as_translated):.1f}%", str(e), str(w)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    for r in rows:
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip())
    errors = sum(f.errors for f in report.files)
    warnings = sum(f.warnings for f in report.files)
    verdict = "ok" if report.ok else "failed"
    lines.append(f"{verdict}: {len(report.files)} catalog(s), {errors} error(s), "
                 f"{warnings} warning(s)")
    return "\n".join(lines) + "\n"


def format_lint(found: Sequence[Finding], fmt: str = "text") -> str:
    """Source findings (`tm lint`) as lines, `{"ok", "findings"}` JSON or annotations."""
    if fmt == "json":
        return json.dumps({"ok": not any(f.severity == "error" for f in found),
                           "findings": [finding_json(f) for f in found]},
                          ensure_ascii=False, indent=2) + "\n"
    line = finding_annotation if fmt == "github" else finding_line
    return "".join(line(f) + "\n" for f in found)


FORMATS: dict[str, Callable[[CheckReport], str]] = {
    "text": format_text, "json": format_json, "github": format_github}
"""`tm check --format` name -> renderer."""


def _relative(path: str) -> str:
    """A path under the current folder as a relative one: GitHub places annotations by
    the path from the repository root."""
    if not path:
        return path
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path


def format_input_error(e: TmError, fmt: str) -> str:
    """Bad input as the chosen format shows it, beside the `tm: error:` line on stderr:
    a GitHub `::error` annotation on the file, or a JSON object scripts can read."""
    path, line = _relative(e.path or ""), e.line if e.line is not None else 1
    message = e.what + (f" ({e.hint})" if e.hint else "")
    if fmt == "github":
        where = f" file={_escape_property(path)},line={line}" if path else ""
        return f"::error{where}::{_escape_data(message)}\n"
    return json.dumps({"error": {"path": path or None, "line": line, "message": message}},
                      ensure_ascii=False, indent=2) + "\n"
