"""QA checks one by one, from the cases in tests/data/check_qa_cases.toml."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tm.checks import QA_CHECKS, Context
from tm.checks.registry import ALL_CODES, BY_CODE, LINT_CHECKS, POLICY_CODES, QA_CODES
from tm.po import read_po
from tm.terms import load_termbase

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CASES = tomllib.loads((Path(__file__).parent / "data" / "check_qa_cases.toml")
                      .read_text("utf-8"))["case"]


@pytest.fixture(scope="module")
def termbase():  # type: ignore[no-untyped-def]
    return load_termbase()


@pytest.mark.parametrize("case", CASES, ids=[f"{c['code']}-{i}" for i, c in enumerate(CASES)])
def test_case(case: dict[str, object], termbase: object) -> None:
    check = BY_CODE[str(case["code"])]
    ctx = Context(str(case.get("src_lang", "en")), str(case.get("tgt_lang", "ru")), termbase)
    got = list(check.run(str(case["src"]), str(case["tgt"]), ctx))
    expect = case["expect"]
    assert isinstance(expect, list)
    assert len(got) == len(expect), got
    for message, part in zip(got, expect, strict=True):
        assert part in message


def test_every_check_has_cases_and_codes_are_unique() -> None:
    codes = [c.code for c in QA_CHECKS]
    assert len(set(codes)) == len(codes)
    assert len(set(ALL_CODES)) == len(ALL_CODES)
    assert {c["code"] for c in CASES} == set(codes)  # the cases file is written by hand


def _readme_check_section() -> str:
    text = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    start = text.index("## Checks: tm check")
    return text[start:text.index("\n#", start + 1)]


def test_registry_codes_are_the_documented_ones() -> None:
    """Every code tm accepts (in [check.severity], `tm-ignore:`) is in the README's
    table of `tm check` codes or its `tm lint` paragraph, and every documented code is
    one tm accepts, with the documented default severity of the lint codes."""
    section = _readme_check_section()
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    table = [code for cell in rows for code in re.findall(r"`([a-z-]+)`", cell)]
    assert len(table) == len(set(table)) > 10
    assert set(table) == set(QA_CODES) | set(POLICY_CODES)
    lint_paragraph = section[section.index("**tm lint**"):]
    lint_paragraph = lint_paragraph[:lint_paragraph.index("\n\n")]
    documented = dict(re.findall(r"\(`([a-z-]+)`, (error|warning)", lint_paragraph))
    assert documented == {c.code: c.severity for c in LINT_CHECKS}
    assert set(ALL_CODES) == set(table) | set(documented)


def test_every_qa_code_is_found_by_tm_check(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A catalog made of one failing case per code (from the hand-written cases), checked
    the way `tm check PATH` checks it: each entry gets a finding of its case's code, and
    the codes found are the registry's QA codes, no more, no fewer."""
    from tm.checks import check_paths
    from tm.po import Catalog, Message, write_po

    first = {}
    for case in CASES:
        if case["expect"] and "src_lang" not in case and "tgt_lang" not in case:
            first.setdefault(str(case["code"]), case)
    messages = [Message(str(c["src"]), str(c["tgt"])) for c in first.values()]
    messages += [Message("The party met.", ""),  # a join whose sentence before is empty
                 Message("It adjourned.", "Исключила.", flags=["tm-joined"])]
    po = tmp_path / "ru.po"
    write_po(po, Catalog(header={"Language": "ru", "Content-Type": "text/plain; charset=UTF-8"},
                         messages=messages))
    monkeypatch.chdir(tmp_path)
    [report] = check_paths([po]).files
    at = {}
    for f in report.findings:
        at.setdefault(f.line, set()).add(f.code)
    lines = {m.msgid: m.line for m in read_po(po).messages}
    for code, case in first.items():
        assert code in at.get(lines[str(case["src"])], set()), (code, report.findings)
    assert "joined" in at.get(lines["It adjourned."], set())
    assert {f.code for f in report.findings} == set(QA_CODES)


def test_citation_and_term_checks_fail_loudly_without_their_modules(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken install (tm.citations or tm.terms missing) is an ImportError, not a check
    that silently finds nothing."""
    from tm.checks import numbers, termcheck

    numbers._cited.cache_clear()
    monkeypatch.setitem(sys.modules, "tm.citations", None)
    with pytest.raises(ImportError):
        list(numbers.check_citations("RGASPI, f. 17, op. 3, d. 1.", "РГАСПИ. Ф. 17. Оп. 4. Д. 1.",
                                     Context("en", "ru")))
    import tm

    monkeypatch.setitem(sys.modules, "tm.terms", None)
    monkeypatch.delattr(tm, "terms", raising=False)  # else `from tm import terms` finds it
    with pytest.raises(ImportError, match="tm.terms"):
        termcheck.load_termbase(None)


def test_catalog_level_rules() -> None:
    """Only translated entries are checked; plural forms against msgid/msgid_plural;
    `tm-ignore:` flags silence their codes on their entry only."""
    from tm.checks import qa_findings
    from tm.po import parse_po

    cat = parse_po('''msgid "In 1927 they met."
msgstr "В 1928 году они встретились."

#, fuzzy
msgid "In 1927 again."
msgstr "Снова в 1930."

#, tm-ignore:number, tm-ignore:end-punctuation
msgid "In 1927 once more."
msgstr "Ещё раз в 1929"

msgid "%d copy in 1927."
msgid_plural "%d copies in 1927."
msgstr[0] "%d экземпляр в 1927."
msgstr[1] "%d экземпляра в 1926."
msgstr[2] ""
''')
    found = [(f.line, f.code, f.message) for f in qa_findings(cat, Context("en", "ru"), "x.po")]
    assert found == [
        (1, "number", "number 1927 changed to 1928 in the translation"),
        (12, "number", "number 1927 changed to 1926 in the translation"),
    ]


def test_help_lists_every_code() -> None:
    from typer.testing import CliRunner

    from tm.cli import app

    text = " ".join(CliRunner().invoke(app, ["check", "--help"]).stdout.split())
    for code in (*QA_CODES, *POLICY_CODES):
        assert code in text
    text = " ".join(CliRunner().invoke(app, ["lint", "--help"]).stdout.split())
    for check in LINT_CHECKS:
        assert check.code in text
