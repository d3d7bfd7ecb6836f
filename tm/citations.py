"""Archival citations, English <-> Russian: `RGASPI, f. 17, op. 171, d. 87, l. 83.` <->
`РГАСПИ. Ф. 17. Оп. 171. Д. 87. Л. 83.`

A citation is parsed into its parts (archive, fond, opis, delo, leaves or pages,
Ibid., a trailing remark) and rendered again in the other language's house style.
Everything language-specific lives in the tables below; the parser and renderer
only walk them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from tm.languages import base_lang

# --- data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Archive:
    """An archive and its names; the first abbreviation per language is the one written."""

    key: str
    en: tuple[str, ...]
    ru: tuple[str, ...]
    en_name: str
    ru_name: str
    de_name: str = ""
    """The name German historiography uses (the Latin abbreviations serve German too)."""

    def abbrs(self, lang: str) -> tuple[str, ...]:
        return self.ru if lang == "ru" else self.en

    def name(self, lang: str) -> str | None:
        """The full name in `lang`; None where this table has none."""
        return {"ru": self.ru_name, "en": self.en_name, "de": self.de_name}.get(lang) or None


ARCHIVES: tuple[Archive, ...] = (
    Archive("RGASPI", ("RGASPI",), ("РГАСПИ",), "Russian State Archive of Socio-Political History",
            "Российский государственный архив социально-политической истории",
            "Russisches Staatsarchiv für sozialpolitische Geschichte"),
    Archive("GARF", ("GARF", "GA RF"), ("ГА РФ", "ГАРФ"), "State Archive of the Russian Federation",
            "Государственный архив Российской Федерации",
            "Staatsarchiv der Russischen Föderation"),
    Archive("RGAE", ("RGAE",), ("РГАЭ",), "Russian State Archive of the Economy",
            "Российский государственный архив экономики",
            "Russisches Staatsarchiv für Wirtschaft"),
    Archive("RGVA", ("RGVA",), ("РГВА",), "Russian State Military Archive",
            "Российский государственный военный архив",
            "Russisches Staatliches Militärarchiv"),
    Archive("RGANI", ("RGANI",), ("РГАНИ",), "Russian State Archive of Contemporary History",
            "Российский государственный архив новейшей истории",
            "Russisches Staatsarchiv für neueste Geschichte"),
    Archive("TsA FSB", ("TsA FSB", "TsA FSB RF"), ("ЦА ФСБ России", "ЦА ФСБ РФ", "ЦА ФСБ"),
            "Central Archive of the Federal Security Service",
            "Центральный архив Федеральной службы безопасности Российской Федерации",
            "Zentralarchiv des Föderalen Sicherheitsdienstes"),
    Archive("AP RF", ("AP RF", "APRF"), ("АП РФ", "АПРФ"),
            "Archive of the President of the Russian Federation",
            "Архив Президента Российской Федерации",
            "Archiv des Präsidenten der Russischen Föderation"),
    Archive("RGALI", ("RGALI",), ("РГАЛИ",), "Russian State Archive of Literature and Art",
            "Российский государственный архив литературы и искусства",
            "Russisches Staatsarchiv für Literatur und Kunst"),
    Archive("TsGAIPD SPb", ("TsGAIPD SPb", "TsGAIPD"), ("ЦГАИПД СПб", "ЦГАИПД"),
            "Central State Archive of Historical and Political Documents of St. Petersburg",
            "Центральный государственный архив историко-политических документов "
            "Санкт-Петербурга",
            "Zentrales Staatsarchiv für historisch-politische Dokumente Sankt Petersburg"),
    Archive("RGVIA", ("RGVIA",), ("РГВИА",), "Russian State Military History Archive",
            "Российский государственный военно-исторический архив",
            "Russisches Staatliches Militärhistorisches Archiv"),
    Archive("RGIA", ("RGIA",), ("РГИА",), "Russian State Historical Archive",
            "Российский государственный исторический архив",
            "Russisches Staatliches Historisches Archiv"),
    Archive("TsAOPIM", ("TsAOPIM",), ("ЦАОПИМ",),
            "Central Archive of Socio-Political History of Moscow",
            "Центральный архив общественно-политической истории Москвы",
            "Zentralarchiv für gesellschaftspolitische Geschichte Moskaus"),
    Archive("AVP RF", ("AVP RF",), ("АВП РФ",),
            "Archive of Foreign Policy of the Russian Federation",
            "Архив внешней политики Российской Федерации",
            "Archiv für Außenpolitik der Russischen Föderation"),
    Archive("RTsKhIDNI", ("RTsKhIDNI",), ("РЦХИДНИ",),
            "Russian Centre for the Preservation and Study of Documents of Recent History",
            "Российский центр хранения и изучения документов новейшей истории",
            "Russisches Zentrum für die Aufbewahrung und "
            "Erforschung von Dokumenten der neuesten Geschichte"),
    Archive("TsKhSD", ("TsKhSD",), ("ЦХСД",),
            "Centre for the Preservation of Contemporary Documentation",
            "Центр хранения современной документации",
            "Zentrum für die Aufbewahrung zeitgenössischer Dokumentation"),
    Archive("TsGAOR", ("TsGAOR SSSR", "TsGAOR"), ("ЦГАОР СССР", "ЦГАОР"),
            "Central State Archive of the October Revolution",
            "Центральный государственный архив Октябрьской революции",
            "Zentrales Staatsarchiv der Oktoberrevolution"),
)


@dataclass(frozen=True)
class Part:
    """A search-data element: what it is called in each language, singular and plural."""

    name: str
    abbrs: dict[str, tuple[str, ...]]
    """lang -> abbreviations read (case-insensitive); the first is written for one item."""
    plural: dict[str, str] = field(default_factory=dict)
    """lang -> abbreviation written for a range or several items (ll.; Л. per GOST R 7.0.5)."""
    spans: bool = False
    """Whether the value is a list of numbers and ranges (leaves, pages)."""


PARTS: tuple[Part, ...] = (
    Part("fond", {"en": ("f.",), "ru": ("Ф.",), "de": ("f.", "F.")}),
    Part("opis", {"en": ("op.",), "ru": ("Оп.",), "de": ("op.",)}),
    Part("delo", {"en": ("d.",), "ru": ("Д.", "Ед. хр."), "de": ("d.",)}),
    Part("leaves", {"en": ("l.", "ll.", "fol.", "ff."), "ru": ("Л.", "Лл."), "de": ("l.", "ll.")},
         {"en": "ll.", "ru": "Л.", "de": "ll."}, spans=True),
    Part("pages", {"en": ("p.", "pp."), "ru": ("С.",), "de": ("S.",)},
         {"en": "pp.", "ru": "С.", "de": "S."}, spans=True),
)
"""German historiography cites Russian archives with the transliterated f./op./d./l."""


@dataclass(frozen=True)
class Style:
    """How a language writes a citation."""

    sep: str
    """Between archive and parts: `, ` in English, `. ` in Russian."""
    ibid: tuple[str, ...]
    verso: tuple[str, ...]
    verso_space: str
    dash: str
    prefixes: dict[str, str]
    """Fond prefixes and letter suffixes written in this script (GARF's Р-8131 is Cyrillic)."""


_LATIN_TO_CYR = {"R": "Р", "A": "А", "P": "П", "a": "а", "b": "б", "v": "в", "s": "с"}

STYLES: dict[str, Style] = {
    "en": Style(", ", ("Ibid.", "ibid.", "Ibid"), ("ob.", "ob", "v", "об."), "", "-", {}),
    "ru": Style(". ", ("Там же",), ("об.", "ob."), " ", "–", _LATIN_TO_CYR),
    "de": Style(", ", ("Ebd.", "ebd.", "Ebenda"), ("ob.", "v"), "", "–", {}),
}

REMARKS: dict[str, dict[str, tuple[str, ...]]] = {
    "emphasis-original": {"en": ("Emphasis in the original", "Emphasis in original"),
                          "ru": ("Выделено в оригинале", "Курсив в оригинале"),
                          "de": ("Hervorhebung im Original",)},
    "emphasis-added": {"en": ("Emphasis added", "Emphasis mine"),
                       "ru": ("Выделено мной", "Курсив мой"),
                       "de": ("Hervorhebung von mir", "Hervorhebung hinzugefügt")},
}
"""Remarks that follow a citation in footnotes; the first form per language is written."""

# --- model ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A leaf or page number, or a range of them; `verso` is the back of a leaf (ob., об.)."""

    first: str
    last: str | None = None
    first_verso: bool = False
    last_verso: bool = False

    def numbers(self) -> list[str]:
        out = [self.first + ("ob" if self.first_verso else "")]
        if self.last is not None:
            out.append(self.last + ("ob" if self.last_verso else ""))
        return out


@dataclass(frozen=True)
class Citation:
    """One archival citation found in a text; numbers are kept in Latin script (R-8131)."""

    start: int
    end: int
    text: str
    lang: str
    archive: str | None = None
    """Key of ARCHIVES (RGASPI, GARF...), None after Ibid. or when not named."""
    archive_long: bool = False
    """Written with the full name, `Russian State Archive ... (RGASPI)`."""
    ibid: bool = False
    fond: str | None = None
    opis: str | None = None
    delo: str | None = None
    leaves: tuple[Span, ...] = ()
    pages: tuple[Span, ...] = ()
    remark: str | None = None
    """Key of REMARKS (Emphasis in the original)."""

    def numbers(self) -> list[str]:
        """Fond, opis, delo, leaf and page numbers in order, for comparing translations."""
        out = [x for x in (self.fond, self.opis, self.delo) if x]
        for span in (*self.leaves, *self.pages):
            out += span.numbers()
        return out

    def to(self, lang: str) -> str:
        """The citation written in `lang` ('' for a language without a style)."""
        lang = _BASES[lang] if lang in _BASES else _BASES.setdefault(lang, base_lang(lang))
        style = STYLES.get(lang)
        if style is None:
            return ""
        head = [style.ibid[0]] if self.ibid else []
        if self.archive:
            arch = _ARCHIVE_BY_KEY[self.archive]
            abbr, name = arch.abbrs(lang)[0], arch.name(lang)
            head.append(f"{name} ({abbr})" if self.archive_long and name else abbr)
        parts = [_render_part(p, self, lang, style) for p in PARTS]
        out = style.sep.join(head + [p for p in parts if p])
        if not out.endswith("."):
            out += "."
        if self.remark:
            out += " " + REMARKS[self.remark][lang][0] + "."
        return out


_ARCHIVE_BY_KEY = {a.key: a for a in ARCHIVES}
_BASES: dict[str, str] = {}
"""base_lang of the codes seen (a citation is written once per segment and language)."""


_SCRIPT_TABLES: dict[int, tuple[Style, dict[int, str]]] = {}


def _script(value: str, style: Style) -> str:
    got = _SCRIPT_TABLES.get(id(style))
    if got is None or got[0] is not style:
        got = _SCRIPT_TABLES[id(style)] = (style, str.maketrans(style.prefixes))
    return value.translate(got[1])


def _render_part(part: Part, c: Citation, lang: str, style: Style) -> str:
    value = getattr(c, part.name)
    if not value:
        return ""
    if not part.spans:
        return f"{part.abbrs[lang][0]} {_script(value, style)}"
    verso = style.verso_space + style.verso[0]
    items = []
    for s in value:
        item = s.first + (verso if s.first_verso else "")
        if s.last is not None:
            item += style.dash + s.last + (verso if s.last_verso else "")
        items.append(item)
    several = len(value) > 1 or value[0].last is not None
    abbr = part.plural[lang] if several else part.abbrs[lang][0]
    return f"{abbr} {', '.join(items)}"


# --- parsing -------------------------------------------------------------------------------


def _words(s: str) -> str:
    return r"\s+".join(re.escape(w) for w in s.split())


def _alt(forms: list[str]) -> str:
    return "|".join(_words(f) for f in sorted(set(forms), key=len, reverse=True))


@dataclass(frozen=True)
class _Grammar:
    head: re.Pattern[str]
    archives: dict[str, str]
    parts: tuple[tuple[Part, re.Pattern[str]], ...]
    remark: re.Pattern[str]
    remark_keys: dict[str, str]
    starts: re.Pattern[str]
    """The first words of the forms `head` reads: every match of `head` starts with one,
    so the search only tries `head` where one stands (and most texts have none)."""


_NUM = r"\d+"
_SP = r"[ \t\u00a0\u202f]"
"""A space inside a citation: Russian typesetting puts a no-break space in `Ф.\u00a017`."""
_SEP = rf"{_SP}*[.,;]?{_SP}*"


def _forms(lang: str) -> tuple[dict[str, str], list[str], list[str]]:
    """The archives by their forms, the forms, and the fond's abbreviations in `lang`."""
    archives: dict[str, str] = {}
    forms: list[str] = []
    for a in ARCHIVES:
        for abbr in a.abbrs(lang):
            archives[" ".join(abbr.split())] = a.key
            forms.append(abbr)
        name = a.name(lang)
        if name:
            forms += [name] + [f"{name} ({abbr})" for abbr in a.abbrs(lang)]
            archives[name] = a.key
    return archives, forms, [f for p in PARTS if p.name == "fond" for f in p.abbrs[lang]]


@lru_cache(maxsize=8)
def _starts(lang: str) -> re.Pattern[str]:
    """The grammar's `starts` without the rest of it (compiling that costs 25 ms a
    language, and most texts advised have no citation's first word)."""
    _archives, forms, fond_abbrs = _forms(lang)
    firsts = sorted({f.split()[0] for f in (*STYLES[lang].ibid, *forms, *fond_abbrs)})
    return re.compile("|".join(map(re.escape, firsts)))


@lru_cache(maxsize=8)
def _grammar(lang: str) -> _Grammar:
    style = STYLES[lang]
    archives, forms, fond_abbrs = _forms(lang)
    fond = "|".join(_words(f) for f in fond_abbrs)
    head = re.compile(
        rf"(?<!\w)(?:(?P<ibid>{_alt(list(style.ibid))})(?!\w)|(?P<archive>{_alt(forms)})(?!\w)"
        rf"|(?P<bare>(?=(?:{fond})\s*(?:[RРAАPП]-?)?\d)))")
    verso = "|".join(re.escape(v) for v in sorted(
        {v for s in STYLES.values() for v in s.verso}, key=len, reverse=True))
    one = rf"{_NUM}(?:{_SP}*(?:{verso})(?!\w))?"
    item = rf"{one}(?:{_SP}*[-–—]{_SP}*{one})?"
    parts = []
    for p in PARTS:
        abbrs = _alt([a for lg in (lang,) for a in p.abbrs[lg]])
        value = (rf"{item}(?:{_SP}*,{_SP}*{item})*" if p.spans
                 else rf"(?:[RРAАPП]{_SP}*-{_SP}*|[RРAАPП])?\d+[a-zа-я]?(?!\w)")
        parts.append((p, re.compile(rf"{_SEP}(?<!\w)(?:{abbrs}){_SP}*(?P<val>{value})",
                                    re.IGNORECASE)))
    remark_keys = {" ".join(f.split()).lower(): k for k, r in REMARKS.items() for f in r[lang]}
    remark_forms = _alt([f for r in REMARKS.values() for f in r[lang]])
    remark = re.compile(rf"{_SP}*\.?{_SP}*(?P<remark>{remark_forms})\.?")
    return _Grammar(head, archives, tuple(parts), remark, remark_keys, _starts(lang))


_TO_LATIN = {v: k for k, v in _LATIN_TO_CYR.items()}


_TO_LATIN_TABLE = str.maketrans(_TO_LATIN)
_BLANKS = re.compile(r"\s+")


def _latin(value: str) -> str:
    return _BLANKS.sub("", value).translate(_TO_LATIN_TABLE)


_SPAN = re.compile(rf"(?P<a>{_NUM})(?P<av>{_SP}*(?:ob\.?|об\.?|v)(?!\w))?"
                   rf"(?:{_SP}*[-–—]{_SP}*(?P<b>{_NUM})(?P<bv>{_SP}*(?:ob\.?|об\.?|v)(?!\w))?)?")


def _spans(value: str) -> tuple[Span, ...]:
    return tuple(Span(m["a"], m["b"], bool(m["av"]), bool(m["bv"]))
                 for m in _SPAN.finditer(value))


_ALL_SAID = re.compile(r"\.?\s*\Z")
_ABBR_AFTER = re.compile(r"\(([^()]+)\)$")


@lru_cache(maxsize=128)
def _abbr_forms(archive: str, lang: str) -> frozenset[str]:
    return frozenset(" ".join(a.split()) for a in _ARCHIVE_BY_KEY[archive].abbrs(lang))


def _parse_at(text: str, m: re.Match[str], lang: str, g: _Grammar) -> Citation | None:
    pos = m.end()
    found: dict[str, object] = {}
    for part, pattern in g.parts:
        pm = pattern.match(text, pos)
        if pm is None:
            continue
        val = pm["val"]
        found[part.name] = _spans(val) if part.spans else _latin(val)
        pos = pm.end()
    if m["archive"] and not found or m["bare"] is not None and len(found) < 2:
        return None
    if m["bare"] is not None and not m["ibid"] and "fond" not in found:
        return None
    if m["ibid"] and not found and not _ALL_SAID.match(text, pos):
        return None  # "Там же он встретил..." is prose, not a footnote
    if text.startswith(".", pos) and not text[pos - 1] == ".":
        pos += 1
    remark = None
    rm = g.remark.match(text, pos)
    if rm:
        remark = g.remark_keys[" ".join(rm["remark"].split()).lower()]
        pos = rm.end()
    archive, long = None, False
    if m["archive"]:
        name = " ".join(m["archive"].split())
        abbr = _ABBR_AFTER.search(name)
        archive = g.archives[abbr.group(1) if abbr else name]
        long = abbr is not None or name not in _abbr_forms(archive, lang)
    return Citation(start=m.start(), end=pos, text=text[m.start():pos], lang=lang,
                    archive=archive, archive_long=long, ibid=m["ibid"] is not None,
                    remark=remark, **found)  # type: ignore[arg-type]


_QUICK: dict[str, tuple[str, re.Pattern[str]] | None] = {}


def _quick(lang: str) -> tuple[str, re.Pattern[str]] | None:
    """The base language of `lang` as given (`en-US`) and its grammar's `starts`; None
    for a language without a style."""
    base = base_lang(lang)
    got = _QUICK[lang] = (base, _starts(base)) if base in STYLES else None
    return got


def find_citations(text: str, lang: str) -> list[Citation]:
    """Every archival citation in `text` (archive + parts, Ibid./Там же, or f./Ф. first)."""
    quick = _QUICK[lang] if lang in _QUICK else _quick(lang)
    if quick is None or quick[1].search(text) is None:
        return []
    return list(_found(text, quick[0]))


def _head(g: _Grammar, text: str, pos: int) -> re.Match[str] | None:
    """g.head.search(text, pos), tried only where a first word of its forms stands: the
    search itself tries each of its forms at every position."""
    while True:
        at = g.starts.search(text, pos)
        if at is None:
            return None
        m = g.head.match(text, at.start())
        if m is not None:
            return m
        pos = at.start() + 1


@lru_cache(maxsize=16)
def _found(text: str, lang: str) -> tuple[Citation, ...]:
    """The citations of `text`, remembered for the next few texts: advising a segment asks
    whether all of it is one citation, then for its citations (the search is the cost)."""
    g = _grammar(lang)
    out: list[Citation] = []
    pos = 0
    while pos <= len(text):
        m = _head(g, text, pos)
        if m is None:
            break
        c = _parse_at(text, m, lang, g)
        if c is None:
            pos = m.end() + 1 if m.end() == m.start() else m.end()
            continue
        out.append(c)
        pos = c.end
    return tuple(out)


_LABEL = re.compile(r"\s*(?:\[\d+\][ \t]*|<sup>\[?\d+\]?</sup>[ \t]*|\d+\.[ \t]+)?")


def convert_citation(text: str, source_lang: str, target_lang: str) -> str | None:
    """The segment in `target_lang` when all of it is one citation (a `[4] ` label kept).

    >>> convert_citation("[4] RGASPI, f. 17, op. 171, d. 109, ll. 41-44.", "en", "ru")
    '[4] РГАСПИ. Ф. 17. Оп. 171. Д. 109. Л. 41–44.'
    """
    quick = _QUICK[source_lang] if source_lang in _QUICK else _quick(source_lang)
    if quick is None or quick[1].search(text) is None or base_lang(target_lang) not in STYLES:
        return None
    label = _LABEL.match(text)
    start = label.end() if label else 0
    found = find_citations(text[start:], source_lang)
    if len(found) != 1:
        return None
    c = found[0]
    if c.start != 0 or text[start + c.end:].strip():
        return None
    return text[:start] + c.to(target_lang) + text[len(text.rstrip()):]


def citation_numbers(text: str, lang: str) -> list[str]:
    """Fond/opis/delo/leaf/page numbers of every citation in `text` (R-8131, 83ob), for QA."""
    return [n for c in find_citations(text, lang) for n in c.numbers()]
