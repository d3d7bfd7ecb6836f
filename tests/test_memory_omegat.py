"""`tm memory export` read back by a real OmegaT (issue 3: "TMX that OmegaT reads back").

A tiny OmegaT project gets the exported TMX in tm/auto/ (OmegaT's console-translate mode
does not fill from tm/ itself; tm/auto/ units are applied as translations when the project
loads) and a plain-text source with sentences from the memory; the translated file in
target/ must carry the memory's Russian. A corrupted TMX must not be used, so the test can
fail. Needs Debian's `omegat` package (OmegaT 3.6 and Java); skipped without it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tm.cli import app

DATA = Path(__file__).parent / "data"
JAR = Path("/usr/share/omegat/OmegaT.jar")
JAVA = shutil.which("java")

pytestmark = pytest.mark.skipif(
    JAVA is None or not JAR.is_file(),
    reason="OmegaT is not installed (apt-get install omegat: /usr/share/omegat/OmegaT.jar "
           "and java)")

SOURCE = """\
Such is the statute of the Comintern. I would not recommend violating it.<sup>[1]</sup>

Left Opposition

The Opposition, in its platform, demanded democracy. This sentence is not in the memory.
"""

# what OmegaT must write when it reads the exported memory (lecture TMX + glossary CSV)
TRANSLATED = """\
Таков устав Коминтерна. Я бы не рекомендовал его нарушать.<sup>[1]</sup>

Левая оппозиция

Оппозиция в своей платформе требовала демократии. This sentence is not in the memory.
"""

PROJECT = """\
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
    <project version="1.0">
        <source_dir>__DEFAULT__</source_dir>
        <target_dir>__DEFAULT__</target_dir>
        <tm_dir>__DEFAULT__</tm_dir>
        <glossary_dir>__DEFAULT__</glossary_dir>
        <glossary_file>__DEFAULT__</glossary_file>
        <dictionary_dir>__DEFAULT__</dictionary_dir>
        <source_lang>{src}</source_lang>
        <target_lang>{tgt}</target_lang>
        <source_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</source_tok>
        <target_tok>org.omegat.tokenizer.LuceneRussianTokenizer</target_tok>
        <sentence_seg>true</sentence_seg>
        <support_default_translations>true</support_default_translations>
        <remove_tags>false</remove_tags>
    </project>
</omegat>
"""


@pytest.fixture
def exported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """The TMX that `tm memory export` writes for a project with a TMX and a CSV memory."""
    proj = tmp_path / "tmproj"
    (proj / "memory").mkdir(parents=True)
    shutil.copy(DATA / "memory_lecture.tmx", proj / "memory" / "lecture.tmx")
    shutil.copy(DATA / "memory_glossary.csv", proj / "memory" / "glossary.csv")
    (proj / "tm.toml").write_text(
        'languages = ["en", "ru"]\nbuiltin_terms = false\n'
        '[[documents]]\nglob = "**/*.md"\nlanguage = "en"\n', encoding="utf-8")
    monkeypatch.chdir(proj)
    r = CliRunner().invoke(app, ["memory", "export", "out.tmx"])
    assert r.exit_code == 0, r.output
    return (proj / "out.tmx").read_bytes()


def omegat_translate(tmp_path: Path, tmx: bytes, src: str = "EN-US", tgt: str = "RU-RU"
                     ) -> tuple[str, str]:
    """Run OmegaT's console-translate on a fresh project; (target/doc.txt, OmegaT's output)."""
    op = tmp_path / "omegat-project"
    for sub in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (op / sub).mkdir(parents=True)
    (op / "omegat.project").write_text(PROJECT.format(src=src, tgt=tgt), encoding="utf-8")
    (op / "source" / "doc.txt").write_text(SOURCE, encoding="utf-8")
    (op / "tm" / "auto" / "tm.tmx").write_bytes(tmx)
    home = tmp_path / "home"
    home.mkdir()
    assert JAVA is not None
    cmd = [JAVA, "-Djava.awt.headless=true", f"-Duser.home={home}", "-jar", str(JAR),
           str(op), "--mode=console-translate", "--no-team", "--quiet",
           "--disable-project-locking", f"--config-dir={home / 'omegat-config'}"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "HOME": str(home), "LC_ALL": "C.UTF-8"})
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    target = op / "target" / "doc.txt"
    assert target.is_file(), log
    return target.read_text(encoding="utf-8"), log


@pytest.mark.parametrize("src, tgt", [("EN-US", "RU-RU"), ("en", "ru")])
def test_omegat_fills_the_exported_translations(
        tmp_path: Path, exported: bytes, src: str, tgt: str) -> None:
    text, log = omegat_translate(tmp_path, exported, src, tgt)
    assert "TF_TM_LOAD_ERROR" not in log and "Failed to load" not in log, log
    assert text == TRANSLATED, log


def test_omegat_does_not_use_a_corrupted_tmx(tmp_path: Path, exported: bytes) -> None:
    broken = exported.replace(b"</tuv>", b"", 1)  # no longer well-formed
    assert broken != exported
    text, log = omegat_translate(tmp_path, broken)
    assert "Failed to load translation memory" in log, log
    assert text == SOURCE  # nothing filled: OmegaT dropped the whole file
