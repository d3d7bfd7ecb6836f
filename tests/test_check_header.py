"""`header`: catalogs msgfmt refuses or misreads for their header fail `tm check`, which
read them without a word (found by a hostile-input tester)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tm.checks import check_paths

HEAD = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={charset}\\n"\n'
        '"Language: ru\\n"\n{plural}\n')
RU_PLURAL = ('"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && '
             'n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"\n')
FILE = ('msgid "file"\nmsgid_plural "files"\nmsgstr[0] "файл"\nmsgstr[1] "файла"\n'
        'msgstr[2] "файлов"\n')

CASES = {
    "no-header": ('msgid "Hello"\nmsgstr "Привет"\n', "no header entry"),
    "charset": (HEAD.format(charset="ISO-8859-5", plural="") + 'msgid "Hello"\nmsgstr "Привет"\n',
                "the header declares charset=ISO-8859-5 but the file is UTF-8"),
    "plurals": (HEAD.format(charset="UTF-8", plural=RU_PLURAL) + FILE + 'msgstr[3] "файлы"\n',
                "4 plural forms where the header's Plural-Forms has nplurals=3"),
    "no-plural-forms": (HEAD.format(charset="UTF-8", plural="") + FILE,
                        "a plural entry, and no nplurals in the header's Plural-Forms"),
    "good": (HEAD.format(charset="UTF-8", plural=RU_PLURAL) + FILE, None),
    "rule": (HEAD.format(charset="UTF-8", plural=RU_PLURAL.replace("nplurals=3", "nplurals=2"))
             + 'msgid "Hello"\nmsgstr "Привет"\n',
             "the header's plural rule gives form 2 but nplurals is 2"),
    "ascii-latin1": (HEAD.format(charset="ISO-8859-1", plural="") + 'msgid "Hi"\nmsgstr "Ho"\n',
                     None),
}


@pytest.mark.parametrize("name", CASES)
def test_header_findings_agree_with_msgfmt(name: str, tmp_path: Path) -> None:
    text, message = CASES[name]
    po = tmp_path / f"{name}.po"
    po.write_text(text, "utf-8")
    [report] = check_paths([po], qa=False).files
    found = [f for f in report.findings if f.code == "header"]
    if message is None:
        assert found == []
    else:
        assert len(found) == 1 and message in found[0].message and found[0].severity == "error"
    if shutil.which("msgfmt") is not None:  # msgfmt --check agrees (a misread charset: it
        r = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)],  # builds, garbled)
                           capture_output=True, text=True)
        assert (r.returncode != 0) == (message is not None and name != "charset"), r.stderr


def test_a_real_cp1251_catalog_is_no_finding(tmp_path: Path) -> None:
    po = tmp_path / "cp.po"
    po.write_bytes(HEAD.format(charset="CP1251", plural="").encode() +
                   'msgid "Hello"\nmsgstr "Привет"\n'.encode("cp1251"))
    [report] = check_paths([po], qa=False).files
    assert [f for f in report.findings if f.code == "header"] == []
