"""The project's [check] policy applied to a code: its severity, whether QA runs at all,
which codes an entry silences. One answer for project catalogs, named paths and sources.
"""

from __future__ import annotations

from tm.checks.registry import ALL_CODES, LINT_BY_CODE, POLICY_CODES, QA_CODES
from tm.config import CheckPolicy, Config
from tm.errors import ConfigError
from tm.po import Message

IGNORE = "tm-ignore:"


def severity(code: str, policy: CheckPolicy | None) -> str:
    """error | warning | off for catalog `code` under `policy` (QA defaults to `qa`,
    policy codes to error; no policy: error)."""
    if policy is None:
        return "error"
    if code in policy.severity:
        return policy.severity[code]
    return "error" if code in POLICY_CODES else policy.qa


def lint_severity(code: str, policy: CheckPolicy | None) -> str:
    """error | warning | off for source-side `code`: [check.severity], else the registry's
    default (`qa` does not apply to sources)."""
    if policy is not None and code in policy.severity:
        return policy.severity[code]
    return LINT_BY_CODE[code].severity


def qa_enabled(policy: CheckPolicy | None) -> bool:
    """Whether any QA code is on: `qa` is not off, or [check.severity] turns a QA code on
    (`qa = "off"` with `number = "error"` checks numbers only). No policy: all on."""
    if policy is None or policy.qa != "off":
        return True
    return any(policy.severity.get(code, "off") != "off" for code in QA_CODES)


def ignored_codes(m: Message) -> set[str]:
    """Codes silenced on this entry by `#, tm-ignore:<code>` flags."""
    return {f[len(IGNORE):] for f in m.flags if f.startswith(IGNORE)}


def validate_policy(config: Config) -> None:
    """Unknown codes in `[check.severity]` are configuration errors, not silent no-ops."""
    for code in config.check.severity:
        if code not in ALL_CODES:
            line = 1
            if config.path is not None and config.path.is_file():
                text = config.path.read_text("utf-8", "replace")
                idx = text.find(code)
                line = text.count("\n", 0, idx) + 1 if idx >= 0 else 1
            raise ConfigError(f"unknown check code `{code}` in check.severity", config.path,
                              line, f"known codes: {', '.join(ALL_CODES)}")
