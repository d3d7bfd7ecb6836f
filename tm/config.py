"""Project configuration: tm.toml or [tool.tm] in pyproject.toml, validated strictly."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from tm.errors import ConfigError, TmError, read_utf8
from tm.formats import SOURCE_SUFFIXES, keeps_suffix
from tm.formats.options import SourceOptions, parse_source_options
from tm.globs import glob_files, glob_match
from tm.languages import check_language
from tm.names import check_name, usable_memory, usable_source

CONFIG_NAME = "tm.toml"
SEVERITIES = ("error", "warning", "off")


@dataclass(frozen=True)
class DocumentRule:
    """Source language for the documents matching `glob` (relative to `sources`)."""

    glob: str
    language: str
    segmentation: str = "sentence"
    """"sentence" (default) or "paragraph": one segment per paragraph, heading, item..."""


@dataclass(frozen=True)
class CheckPolicy:
    """What `tm check` demands of the catalogs."""

    min_translated: dict[str, float] = field(default_factory=dict)
    fuzzy_counts_as_translated: bool = False
    qa: str = "error"
    severity: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    """A tm project: where things live and which languages it translates into."""

    root: Path
    path: Path | None = None
    languages: tuple[str, ...] = ("en", "ru", "de")
    sources: str = "sources"
    locales: str = "locales"
    output: str = "build"
    memory: tuple[str, ...] = ("memory/*.tmx", "memory/*.tbx", "memory/*.csv", "memory/*.po")
    builtin_terms: bool = True
    memory_url: str | None = None
    memory_offline: str = "error"
    """With memory_url: "replica" works from the local replica when the server is
    unreachable; "error" (default) stops."""
    fuzzy_threshold: int = 75
    follow_symlinks: bool = False
    """Read sources that are symbolic links to files outside the project."""
    wrap: int = 79
    """Width catalogs are wrapped at, as msgcat/Poedit/Weblate write them (0: no wrapping)."""
    documents: tuple[DocumentRule, ...] = (DocumentRule("**/*.md", "en"),)
    check: CheckPolicy = field(default_factory=CheckPolicy)
    source: SourceOptions = field(default_factory=SourceOptions)
    """Front-matter keys and HTML attributes offered for translation ([source])."""

    @property
    def sources_dir(self) -> Path:
        return self.root / self.sources

    @property
    def locales_dir(self) -> Path:
        return self.root / self.locales

    @property
    def output_dir(self) -> Path:
        return self.root / self.output

    def source_language(self, doc: str, suffix: str = ".md") -> str | None:
        """The language of document `doc` (path under sources/ without `.md`; other
        formats keep their suffix, tm.formats), or None."""
        rel = doc if keeps_suffix(doc) else doc + suffix
        for rule in self.documents:
            if glob_match(rule.glob, rel):
                return rule.language
        return None

    def segmentation(self, doc: str, suffix: str = ".md") -> str:
        """How `doc` is cut: by the first [[documents]] rule that matches it."""
        rel = doc if keeps_suffix(doc) else doc + suffix
        for rule in self.documents:
            if glob_match(rule.glob, rel):
                return rule.segmentation
        return "sentence"

    def segmenter_key(self, doc: str) -> str:
        """The source language and, when not the default, the segmentation: what a
        template's digest records besides the text, so a changed mode makes it stale."""
        lang = self.source_language(doc) or "en"
        mode = self.segmentation(doc)
        return lang if mode == "sentence" else f"{lang} {mode}"

    def target_languages(self, doc: str) -> list[str]:
        src = self.source_language(doc)
        return [lang for lang in self.languages if lang != src]

    def source_path(self, doc: str) -> Path:
        return self.sources_dir / (doc if keeps_suffix(doc) else f"{doc}.md")

    def template_path(self, doc: str) -> Path:
        return self.locales_dir / "templates" / f"{doc}.pot"

    def catalog_path(self, doc: str, lang: str) -> Path:
        return self.locales_dir / lang / f"{doc}.po"

    def output_path(self, doc: str, lang: str) -> Path:
        return self.output_dir / lang / (doc if keeps_suffix(doc) else f"{doc}.md")

    def documents_list(self) -> list[str]:
        """Every source document that a [[documents]] rule claims, sorted."""
        base = self.sources_dir
        if not base.is_dir():
            return []
        docs = []
        for p in sorted(base.rglob("*")):
            if p.suffix not in SOURCE_SUFFIXES:
                continue
            rel = p.relative_to(base).as_posix()
            doc = rel[:-3] if p.suffix == ".md" else rel
            if self.source_language(doc) is not None and usable_source(
                    p, self.root, self.follow_symlinks):
                docs.append(doc)
        return docs

    def memory_files(self) -> list[Path]:
        """The project's memory files, matched by the `memory` globs, sorted."""
        found: set[Path] = set()
        for pattern in self.memory:
            found.update(glob_files(self.root, pattern, dangling=True))
        for p in found:  # a name tm writes into catalogs as the origin of a pre-fill
            check_name(p.name, self.relative(p))
        return sorted(p for p in found
                      if usable_memory(p, self.root, self.follow_symlinks))

    def is_memory_path(self, path: Path) -> bool:
        """Whether `path` is one of the memory files, or a name the `memory` globs match
        (a file written there would be read as memory by the next run)."""
        from tm.globs import glob_match

        where = path.resolve()
        try:
            rel = where.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            rel = None
        return (rel is not None and any(glob_match(p, rel) for p in self.memory)) or (
            where in {p.resolve() for p in self.memory_files()})

    def relative(self, path: Path) -> str:
        """`path` relative to the project root where possible (for messages and references)."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return os.path.normpath(path)
        except (RuntimeError, OSError):  # a symbolic link loop: named as found
            try:
                return Path(os.path.normpath(path)).relative_to(self.root).as_posix()
            except ValueError:
                return os.path.normpath(path)

    def require_sources(self) -> None:
        """The `sources` folder must be there: a misspelt one would give a project with
        nothing to segment and a CI gate that checks nothing and passes (ConfigError)."""
        where = self.sources_dir
        if where.is_dir():
            return
        line = 1
        if self.path is not None and self.path.is_file():
            line = _key_line(self.path.read_text("utf-8", "replace"), "sources")
        what = "not a folder" if where.exists() else "no such folder"
        raise ConfigError(f"sources = {self.sources!r}: {what}", self.display_path, line,
                          "create it, or set `sources` to the folder of the documents")

    def require_languages(self, langs: Sequence[str] | None) -> None:
        """Each of `langs` (a command's --lang) must be one of `languages`: a misspelt one
        would select nothing, and a CI gate that checks nothing passes (TmError)."""
        for lang in langs or ():
            if lang not in self.languages:
                raise TmError(f"language {lang!r} is not in `languages`", self.display_path,
                              1, f"configured: {', '.join(self.languages)}")

    @property
    def display_path(self) -> str:
        """The configuration file as messages name it (`tm.toml` when there is none)."""
        return self.relative(self.path) if self.path else CONFIG_NAME


_TOP_KEYS: dict[str, type | tuple[type, ...]] = {
    "languages": list,
    "sources": str,
    "locales": str,
    "output": str,
    "memory": list,
    "builtin_terms": bool,
    "memory_url": str,
    "memory_offline": str,
    "fuzzy_threshold": int,
    "follow_symlinks": bool,
    "wrap": (int, str),
    "documents": list,
    "check": dict,
    "source": dict,
}
_CHECK_KEYS: dict[str, type | tuple[type, ...]] = {
    "min_translated": dict,
    "fuzzy_counts_as_translated": bool,
    "qa": str,
    "severity": dict,
}


def _key_line(text: str, key: str) -> int:
    m = re.search(rf"^[ \t]*(?:\[+[ \t]*)?{re.escape(key)}\b", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def _code_line(text: str, key: str, code: str) -> int:
    """The line where language `code` stands as `key`'s value or in its list or table."""
    quoted = rf"""["']{re.escape(code)}["']"""
    m = re.search(rf"^[ \t]*{re.escape(key)}\s*=\s*{quoted}", text, re.M)
    start = re.search(rf"^[ \t]*(?:\[+[ \t]*)?(?:check\.)?{re.escape(key)}\b", text, re.M)
    if m is None and start is not None:
        m = re.compile(rf"{quoted}|(?<![\w@-]){re.escape(code)}\s*=").search(
            text, start.start())
    return text.count("\n", 0, m.start()) + 1 if m else _key_line(text, key)


def _type_name(t: type | tuple[type, ...]) -> str:
    names = {list: "a list", str: "a string", bool: "true or false", int: "an integer",
             dict: "a table", float: "a number"}
    if isinstance(t, tuple):
        return " or ".join(names.get(x, x.__name__) for x in t)
    return names.get(t, t.__name__)


def _check_type(value: Any, t: type | tuple[type, ...], key: str, path: Path, text: str,
                line: int | None = None) -> None:
    ok = isinstance(value, t) and not (isinstance(value, bool) and t in (int, float, (int, float)))
    if not ok:
        raise ConfigError(
            f"`{key}` must be {_type_name(t)}, not {type(value).__name__}",
            path, line or _key_line(text, key.split(".")[-1]),
            "see the commented tm.toml from `tm init`",
        )


def parse_config(data: dict[str, Any], root: Path, path: Path, text: str) -> Config:
    """Validate a parsed [tool.tm] / tm.toml table into a Config; unknown keys are errors."""
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _TOP_KEYS:
            raise ConfigError(f"unknown key `{key}`", path, _key_line(text, key),
                              f"known keys: {', '.join(_TOP_KEYS)}")
        _check_type(value, _TOP_KEYS[key], key, path, text)
    for key in ("languages", "memory"):
        if key in data:
            for item in data[key]:
                _check_type(item, str, key, path, text)
            kwargs[key] = tuple(data[key])
    for key in ("sources", "locales", "output", "builtin_terms", "memory_url", "memory_offline",
                "fuzzy_threshold",
                "follow_symlinks"):
        if key in data:
            kwargs[key] = data[key]
    _check_values(data, path, text)
    if "wrap" in data:
        kwargs["wrap"] = _parse_wrap(data["wrap"], path, text)
    if "documents" in data:
        tables = [_nth_table(text, "documents", i) for i in range(len(data["documents"]))]
        kwargs["documents"] = tuple(_parse_document(item, path, table)
                                    for item, table in zip(data["documents"], tables,
                                                           strict=True))
        languages = kwargs.get("languages")
        for rule, table in zip(kwargs["documents"], tables, strict=True):
            if languages and rule.language not in languages:
                listed = ", ".join(f'"{lang}"' for lang in languages)
                raise ConfigError(
                    f"document language {rule.language!r} is not in `languages`", path,
                    _code_line(table, "language", rule.language),
                    f"add it to languages = [{listed}], or name one of those")
    if "check" in data:
        kwargs["check"] = _parse_check(data["check"], path, text, kwargs.get("languages"))
    if "source" in data:
        kwargs["source"] = _parse_source(data["source"], path, text)
    return Config(root=root, path=path, **kwargs)


def _check_values(data: dict[str, Any], path: Path, text: str) -> None:
    """The top-level values whose type is right but whose value may not be."""
    seen: dict[str, str] = {}
    for code in data.get("languages", ()):
        line = _code_line(text, "languages", code)
        check_language(code, path, line)
        same = code.replace("_", "-").lower()  # pt-BR and pt_BR: two catalogs of one
        if same in seen:
            twice = (f"{code!r} twice" if code == seen[same]
                     else f"{code!r} and {seen[same]!r}, one language")
            raise ConfigError(f"`languages` names {twice}", path, line,
                              "list each language once")
        seen[same] = code
    if "languages" in data and len(seen) < 2:
        raise ConfigError("`languages` must name the source language and at least one to "
                          "translate into", path, _key_line(text, "languages"),
                          'e.g. languages = ["en", "ru"]: with none to translate into, '
                          "tm check would pass on no catalog at all")
    for pattern in data.get("memory", ()):
        if not pattern.strip() or Path(pattern).is_absolute() or pattern.startswith(("/", "\\")):
            raise ConfigError(f"`memory` pattern {pattern!r} is empty or absolute", path,
                              _key_line(text, "memory"),
                              'write patterns relative to the project, e.g. "memory/*.tmx"')
    if data.get("memory_offline", "error") not in ("error", "replica"):
        raise ConfigError(f"`memory_offline` must be \"error\" or \"replica\", not "
                          f"{data['memory_offline']!r}", path, _key_line(text, "memory_offline"),
                          'memory_offline = "replica" works from the local copy when the '
                          "server is unreachable")
    if "fuzzy_threshold" in data and not 0 <= data["fuzzy_threshold"] <= 100:
        raise ConfigError("`fuzzy_threshold` must be between 0 and 100", path,
                          _key_line(text, "fuzzy_threshold"))
    _check_folders(data, path, text)


def _check_folders(data: dict[str, Any], path: Path, text: str) -> None:
    """`locales` and `output` apart from `sources` and from each other: `output =
    "sources"` made every merged document a new source (sources/ru/ru/ru/doc.md after
    three runs), `locales = "sources"` put catalogs among the documents."""
    def parts(key: str) -> tuple[str, ...]:
        value = data.get(key, Config.__dataclass_fields__[key].default)
        return tuple(p for p in Path(os.path.normpath(value)).parts if p != ".")

    sources = parts("sources")
    for key in ("locales", "output"):
        mine = parts(key)
        n = min(len(mine), len(sources))
        if mine[:n] == sources[:n]:  # the same folder, or one inside the other
            default = Config.__dataclass_fields__[key].default
            raise ConfigError(f"`{key}` and `sources` overlap ({key} = "
                              f"\"{data.get(key, default)}\", sources = "
                              f"\"{data.get('sources', 'sources')}\")", path,
                              _key_line(text, key) if key in data else
                              _key_line(text, "sources"),
                              f"keep {key} apart from the source documents, e.g. "
                              f"{key} = \"{default}\"")
    if parts("locales") == parts("output"):
        raise ConfigError("`locales` and `output` name one folder", path,
                          _key_line(text, "output") if "output" in data else
                          _key_line(text, "locales"), "merged documents go apart: "
                          'e.g. output = "build"')


def _parse_wrap(value: Any, path: Path, text: str) -> int:
    from tm.wrap import parse_wrap

    try:
        return parse_wrap(value)
    except ValueError as e:
        raise ConfigError(str(e), path, _key_line(text, "wrap"),
                          'e.g. wrap = 79, or wrap = "no"') from None


def _nth_table(text: str, name: str, n: int) -> str:
    """`text` with only its `n`th `[[name]]` table left at its own lines (the others
    blanked), so that a key's line is found in the table that holds it; the whole text
    where the tables are not written that way (`documents = [{...}]`)."""
    heads = list(re.finditer(rf"^[ \t]*\[\[[ \t]*{re.escape(name)}[ \t]*\]\]", text, re.M))
    if n >= len(heads):
        return text
    start = heads[n].start()
    after = _TABLE_HEAD.search(text, heads[n].end())
    return "\n" * text.count("\n", 0, start) + text[start:after.start() if after else None]


_TABLE_HEAD = re.compile(r"^[ \t]*\[", re.M)
"""A line that opens a table (`[check]`, `[[documents]]`)."""


def _parse_document(item: Any, path: Path, text: str) -> DocumentRule:
    """One [[documents]] table."""
    _check_type(item, dict, "documents", path, text)
    for k in item:
        if k not in ("glob", "language", "segmentation"):
            raise ConfigError(f"unknown key `documents.{k}`", path, _key_line(text, k),
                              "a [[documents]] table has `glob`, `language` and "
                              "optionally `segmentation`")
    if "glob" not in item or "language" not in item:
        raise ConfigError("a [[documents]] table needs `glob` and `language`", path,
                          _key_line(text, "documents"))
    _check_type(item["glob"], str, "documents.glob", path, text)
    _check_type(item["language"], str, "documents.language", path, text)
    check_language(item["language"], path, _code_line(text, "language", item["language"]))
    seg = item.get("segmentation", "sentence")
    _check_type(seg, str, "documents.segmentation", path, text)
    if seg not in ("sentence", "paragraph"):
        raise ConfigError(f"unknown segmentation {seg!r}", path,
                          _key_line(text, "segmentation"), 'use "sentence" or "paragraph"')
    return DocumentRule(item["glob"], item["language"], seg)


def _parse_source(value: Any, path: Path, text: str) -> SourceOptions:
    try:
        return parse_source_options(value)
    except ValueError as e:
        key, message = e.args
        raise ConfigError(message, path, _key_line(text, key),
                          "see the commented tm.toml from `tm init`") from None


def _parse_check(data: dict[str, Any], path: Path, text: str,
                 languages: Sequence[str] | None = None) -> CheckPolicy:
    for key, value in data.items():
        if key not in _CHECK_KEYS:
            raise ConfigError(f"unknown key `check.{key}`", path, _key_line(text, key),
                              f"known keys: {', '.join(_CHECK_KEYS)}")
        _check_type(value, _CHECK_KEYS[key], f"check.{key}", path, text)
    mins = {}
    for lang, pct in data.get("min_translated", {}).items():
        line = _code_line(text, "min_translated", lang)
        _check_type(pct, (int, float), f"check.min_translated.{lang}", path, text, line)
        check_language(lang, path, line)
        if not 0 <= pct <= 100:
            raise ConfigError(f"`check.min_translated.{lang}` must be a percentage 0-100",
                              path, line)
        if languages and lang not in languages:  # a typo would go unseen: no catalog has it
            listed = ", ".join(f'"{code}"' for code in languages)
            raise ConfigError(f"`check.min_translated.{lang}`: {lang!r} is not in `languages`",
                              path, line, f"name one of {listed}, or add it to `languages`")
        mins[lang] = float(pct)
    qa = data.get("qa", "error")
    if qa not in SEVERITIES:
        raise ConfigError(f"`check.qa` must be one of {', '.join(SEVERITIES)}, not {qa!r}",
                          path, _key_line(text, "qa"))
    severity = {}
    for code, sev in data.get("severity", {}).items():
        if sev not in SEVERITIES:
            raise ConfigError(f"`check.severity.{code}` must be one of {', '.join(SEVERITIES)}",
                              path, _key_line(text, code))
        severity[code] = sev
    return CheckPolicy(
        min_translated=mins,
        fuzzy_counts_as_translated=data.get("fuzzy_counts_as_translated", False),
        qa=qa,
        severity=severity,
    )


def _read_toml(path: Path) -> tuple[dict[str, Any], str]:
    text = read_utf8(path, ConfigError).removeprefix("\ufeff")  # Notepad's byte order mark
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        line = int(m.group(1)) if m else 1
        if "end of document" in str(e):  # an unclosed table or string: the last line
            line = max(1, text.count("\n") + (not text.endswith("\n")))
        what = re.sub(r"\s*\((?:at line \d+, column \d+|at end of document)\)", "", str(e))
        raise ConfigError(f"invalid TOML: {what}", path, line) from None


def find_project(start: Path | None = None) -> Path | None:
    """The nearest folder at or above `start` holding tm.toml or a pyproject with [tool.tm]."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
        pp = folder / "pyproject.toml"
        if pp.is_file() and re.search(
            r"^\[tool\.tm(\.|\])", pp.read_text("utf-8", "replace"), re.M
        ):
            return folder
    return None


def load_config(start: Path | None = None) -> Config:
    """Load the project configuration found at or above `start` (default: the current folder)."""
    root = find_project(start)
    if root is None:
        raise ConfigError(
            "no tm project here: neither tm.toml nor [tool.tm] in pyproject.toml",
            Path(start or Path.cwd()) / CONFIG_NAME, 1, "run `tm init` first",
        )
    path = root / CONFIG_NAME
    if path.is_file():
        data, text = _read_toml(path)
    else:
        path = root / "pyproject.toml"
        full, text = _read_toml(path)
        data = full.get("tool", {}).get("tm", {})
    return parse_config(data, root, path, text)
