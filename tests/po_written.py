"""Catalogs written by GNU gettext, made the way a project makes them: xgettext on a
source, msgen, msginit, msgconv and msgfilter for a (pseudo-)translation, msgmerge --previous
after the source changed twice (fuzzy entries with `#|`, obsolete ones with `#~|`),
msgattrib and msgcat. Used by tests/test_po_read.py; `python -m tests.po_written DIR`
writes them into DIR (how tests/data/po_written/gnu/ was made).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

TOOLS = ("xgettext", "msgen", "msginit", "msgconv", "msgfilter", "msgmerge", "msgattrib",
         "msgcat")

_V1 = '''\
from gettext import gettext as _, ngettext, pgettext

# TRANSLATORS: the title of the lecture, as printed on the cover.
_("Stalin's war on the Trotskyists, 1936-1938")
_("The Central Control Commission met on 12 March 1937.")
_("RGASPI, f. 17, op. 171, d. 87, l. 83.")
pgettext("archive", "File")
pgettext("menu", "File")
ngettext("%d document was found in the archive.",
         "%d documents were found in the archive.", 3)
ngettext("One prisoner", "%(count)d prisoners", 2)
_("A long sentence that a translator sees wrapped, because it is longer than the "
  "seventy-nine columns that msgcat, Poedit and Weblate write, and tm writes too.")
_("Two lines:\\nthe first,\\nthe second with a \\"quote\\" and a\\ttab.")
_("This sentence is removed in the second version of the source.")
_("This one goes in the third version.")
ngettext("So does this plural: %d file", "So do these: %d files", 2)
'''

_V2 = (_V1.replace("12 March", "14 March")
       .replace('pgettext("archive", "File")', 'pgettext("archives", "Files")')
       .replace("found in the archive", "found in the party archive")
       .replace('_("This sentence is removed in the second version of the source.")\n', "")
       .replace("A long sentence", "A longer sentence"))

_V3 = "\n".join(line for line in _V2.splitlines()
                if "14 March" not in line and "third version" not in line
                and "So do" not in line and "archives" not in line
                and "party archive" not in line and "A longer" not in line
                and "seventy-nine" not in line) + "\n"


def missing_tools() -> list[str]:
    return [t for t in TOOLS if shutil.which(t) is None]


def _run(*args: str, cwd: Path) -> None:
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANGUAGE": ""}
    subprocess.run(args, cwd=cwd, env=env, check=True, capture_output=True)


def _pot(cwd: Path, version: str, name: str) -> None:
    (cwd / "lecture.py").write_text(version, "utf-8")
    _run("xgettext", "--language=Python", "--from-code=UTF-8", "--add-comments=TRANSLATORS:",
         "--keyword=pgettext:1c,2", "--package-name=lecture", "--package-version=1",
         "-o", name, "lecture.py", cwd=cwd)


def write_gnu_catalogs(folder: Path) -> list[Path]:
    """The catalogs, written into `folder` (which is also the tools' working folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    _pot(folder, _V1, "v1.pot")
    _run("msgen", "-o", "en.pot", "v1.pot", cwd=folder)  # msgstr = msgid, plurals too
    _run("msginit", "--no-translator", "--locale=ru_RU.UTF-8", "-i", "en.pot",
         "-o", "ru1.po", cwd=folder)
    _run("msgconv", "--to-code=UTF-8", "-o", "ru1.po", "ru1.po", cwd=folder)
    _run("msgfilter", "--keep-header", "-i", "ru1.po", "-o", "ru1.po", "sed", "-e",
         "s/^/ру /", cwd=folder)
    _pot(folder, _V2, "v2.pot")
    _run("msgmerge", "--quiet", "--previous", "-o", "ru2.po", "ru1.po", "v2.pot", cwd=folder)
    _pot(folder, _V3, "v3.pot")
    _run("msgmerge", "--quiet", "--previous", "-o", "ru3.po", "ru2.po", "v3.pot", cwd=folder)
    _run("msgattrib", "--set-fuzzy", "--only-file=ru1.po", "-o", "ru3-attrib.po", "ru3.po",
         cwd=folder)
    _run("msgcat", "--width=60", "-o", "ru3-width60.po", "ru3.po", cwd=folder)
    _run("msgcat", "--no-wrap", "-o", "ru3-nowrap.po", "ru3.po", cwd=folder)
    (folder / "lecture.py").unlink()
    (folder / "en.pot").unlink()
    return sorted(folder.glob("*.po*"))


if __name__ == "__main__":
    for p in write_gnu_catalogs(Path(sys.argv[1])):
        print(p)
