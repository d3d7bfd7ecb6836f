"""Language codes are checked against Babel's CLDR data wherever they enter (tm.toml's
`languages`, `[[documents]] language`, `[check] min_translated`, `--lang`, `--to`,
`--from`); a bad one is one error line naming the nearest valid code, exit 2, no file
written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tm.cli import main
from tm.errors import TmError
from tm.languages import (
    COMMON_LANGUAGES,
    base_lang,
    check_language,
    guess_language,
    language_problem,
    nearest,
)


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str],
             monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """The console script as a user runs it: exit code and stderr."""
    monkeypatch.setattr(sys, "argv", ["tm", *argv])
    with pytest.raises(SystemExit) as e:
        main()
    return int(e.value.code or 0), capsys.readouterr().err


def files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("code, near", [
    ("RU", "ru"), ("russian", "ru"), ("Russian", "ru"), ("rus", "ru"), ("eng", "en"),
    ("pt-br", "pt-BR"), ("PT_br", "pt_BR"), ("ZH-hans", "zh-Hans"), ("sr@Latin", "sr@latin"),
    ("german", "de"), ("Portugese", "pt"), ("pt_XX", "pt_BR"),
])
def test_a_bad_code_names_the_nearest_valid_one(code: str, near: str) -> None:
    with pytest.raises(TmError) as e:
        check_language(code, "tm.toml", 4)
    assert str(e.value).startswith(f"tm.toml:4: {code!r} is not a language code") or \
        str(e.value).startswith(f"tm.toml:4: unknown language code {code!r}")
    assert str(e.value).endswith(f"(did you mean {near}?)")
    assert nearest(code) == near


@pytest.mark.parametrize("code", ["xx", "qq", "zzz"])
def test_a_code_near_nothing_says_so(code: str) -> None:
    with pytest.raises(TmError) as e:
        check_language(code, "tm.toml", 1)
    assert str(e.value) == (f"tm.toml:1: unknown language code {code!r} (no known language "
                            "has a code near it: write codes such as ru, pt_BR, sr@latin "
                            "or zh-Hans)")


@pytest.mark.parametrize("code", [
    "ru", "en", "uk", "pt_BR", "pt-BR", "sr@latin", "ca@valencia", "zh-Hans", "zh_Hant_TW",
    "es-419", "de_DE", "en-GB", "ast", "tlh", "de-1996", "sr_Latn_RS",
])
def test_real_codes_are_accepted_in_gettext_and_bcp47_forms(code: str) -> None:
    check_language(code, "tm.toml", 1)
    assert language_problem(code) is None


def test_every_common_code_is_a_real_one() -> None:
    """The set accepted without Babel agrees with Babel."""
    assert [c for c in COMMON_LANGUAGES if language_problem(c) is not None] == []


BAD_TOML = {
    "languages": ('languages = [\n  "en",\n  "RU",\n]\n', 3, "'RU'", "ru"),
    "documents": ('[[documents]]\nglob = "a/*.md"\nlanguage = "en"\n\n'
                  '[[documents]]\nglob = "**/*.md"\nlanguage = "russian"\n', 7,
                  "'russian'", "ru"),
    "min_translated": ('languages = ["en", "ru"]\n[check]\n'
                       'min_translated = { ru = 100, xx = 0 }\n', 3, "'xx'", None),
    "min_translated table": ('[check.min_translated]\nru = 100\n"pt-br" = 50\n', 3,
                             "'pt-br'", "pt-BR"),
}


@pytest.mark.parametrize("case", list(BAD_TOML))
def test_tm_toml_error_names_the_line_and_writes_nothing(
        case: str, project: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    toml, line, code, near = BAD_TOML[case]
    (project / "tm.toml").write_text(toml, encoding="utf-8")
    before = files(project)
    rc, err = run_main(["segment"], capsys, monkeypatch)
    assert rc == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"tm: error: tm.toml:{line}: ")
    assert code in err
    assert (f"(did you mean {near}?)" in err) if near else ("no known language" in err)
    assert files(project) == before


@pytest.mark.parametrize("argv, option, near", [
    (["merge", "--lang", "RU"], "'--lang' / '-l'", "ru"),
    (["check", "-l", "russian"], "'--lang' / '-l'", "ru"),
    (["review", "--lang", "pt-br"], "'--lang' / '-l'", "pt-BR"),
    (["memory", "search", "Hello.", "--to", "RU"], "'--to'", "ru"),
    (["memory", "search", "Hello.", "--to", "ru", "--from", "english"], "'--from'", "en"),
    (["xliff", "export", "--lang", "xx", "-o", "x.xlf"], "'--lang' / '-l'", None),
])
def test_option_codes_are_checked(
        argv: list[str], option: str, near: str | None, project: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    before = files(project)
    rc, err = run_main(argv, capsys, monkeypatch)
    assert rc == 2
    assert err.startswith(f"tm: error: invalid value for {option}: ")
    assert err.count("\n") == 1
    assert (f"did you mean {near}?" in err) if near else ("no known language" in err)
    assert files(project) == before


def test_common_codes_do_not_load_babel(project: Path) -> None:
    """Start-up stays fast: a project in common languages never imports Babel."""
    code = ("import sys; from tm.config import load_config; load_config(); "
            "from tm.languages import check_language; check_language('pt_BR', None, 1); "
            "print('babel' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize(("code", "base"), [
    ("en", "en"), ("en-US", "en"), ("EN_us", "en"), (" ru ", "ru"), ("pt_BR", "pt"),
    ("zh-Hans-CN", "zh"), ("sr@latin", "sr@latin"), ("es-419", "es")])
def test_base_lang(code: str, base: str) -> None:
    """One reading of a code's language for segmentation rules, terms, citations and
    memory files alike; a gettext @modifier names another script, so it stays."""
    assert base_lang(code) == base


def test_guess_language_by_script() -> None:
    assert guess_language(["Политбюро ЦК ВКП(б)", "RGASPI"]) == "ru"
    assert guess_language(["The Politburo (Политбюро) met."]) == "en"
    assert guess_language(["Die Sitzung."], default="de") == "de"
    assert guess_language([]) == "en"
    # only the first 200 texts are read
    assert guess_language(["Latin text"] * 200 + ["Кириллица" * 100]) == "en"


def test_a_document_language_not_in_languages_is_a_config_error(
        project: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """It made a catalog in the source's own language and cut English with French rules."""
    (project / "tm.toml").write_text('languages = ["en", "ru"]\n\n[[documents]]\n'
                                     'glob = "**/*.md"\nlanguage = "fr"\n', encoding="utf-8")
    rc, err = run_main(["segment"], capsys, monkeypatch)
    assert rc == 2
    assert err == ("tm: error: tm.toml:5: document language 'fr' is not in `languages` "
                   '(add it to languages = ["en", "ru"], or name one of those)\n')


@pytest.mark.parametrize("languages, line", [
    ("[]", "`languages` must name the source language and at least one to translate into"),
    ('["en"]', "`languages` must name the source language and at least one to translate into"),
    ('["en", "pt-BR", "pt_BR"]', "`languages` names 'pt_BR' and 'pt-BR', one language"),
    ('["en", "ru", "ru"]', "`languages` names 'ru' twice"),
])
def test_languages_without_a_target_or_with_one_twice_are_config_errors(
        languages: str, line: str, project: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """No language to translate into made `tm check` pass on no catalog at all (the
    project's stale catalogs ignored); pt-BR and pt_BR made two catalogs of one."""
    (project / "tm.toml").write_text(f"languages = {languages}\n", encoding="utf-8")
    for command in (["check"], ["status"], ["segment"]):
        rc, err = run_main(command, capsys, monkeypatch)
        assert rc == 2 and err.startswith(f"tm: error: tm.toml:1: {line} (")


def test_a_folder_without_catalogs_is_an_error_for_check(
        project: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`tm check locale/` (a typo) checked no catalog and passed."""
    (project / "locale").mkdir()
    rc, err = run_main(["check", "locale"], capsys, monkeypatch)
    assert rc == 2 and err == ("tm: error: locale:1: no PO file in this folder (name a folder "
                               "of catalogs, such as locales/)\n")
