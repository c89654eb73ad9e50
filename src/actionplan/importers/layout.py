"""From a document's paragraphs and tables to a plan: the layout round tables use.

Both the text importer and the Word importer reduce their source to the same stream of
:class:`Paragraph` and :class:`Table` blocks; :class:`LayoutReader` reads that stream:

* a title and a mission at the top (« MISSION », « Plan d'action 2026 »); narrative
  headings and paragraphs become ``context`` sections;
* a theme is a title (often in capitals) followed by « ⇒ Objectif général : … »; a
  heading just above the title (« ENJEUX FÉDÉRATEURS », « Visées transversales ») groups
  the themes below it and gives their kind; a title seen twice, or followed by
  « (SUITE) », continues the same theme;
* the four-column table « Objectifs spécifiques | Moyens / Actions | Indicateurs |
  Échéancier »: a row with a first cell starts an objective, a row without one continues
  it, a row with only a first cell (« Communication d'influence ») is a sub-heading;
  arrows split cells into items, paired by position when the counts agree, else every
  indicator goes to each action of the row;
* the grant-program tables of an Alliance plan: « Priorité d'action #N » with
  « Stratégies/Actions | Échelle | Population ciblée | Année(s) de réalisation » (X
  marks under fiscal years), the summary schedule (« Objectif | Tâches à réaliser |
  Responsable | Début | Échéance ») and the forecast budget (kept as text, and read with the
  complementary criteria into the plan's grant ``program``: :mod:`actionplan.importers.program`).

Nothing is dropped silently: text that fits nowhere is reported in ``unplaced`` (with
its place in the source) and kept in the plan (a note or a context section); choices a
person should check are reported in ``warnings``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import Any

import attrs

from ..errors import Issue, ScheduleError
from ..i18n import N_, Plural, tn
from ..model.base import fold, slugify
from ..reports.labels import LABEL_KEYS, STATUS_KEYS, label_text
from ..schedules import parse_schedule
from ..territories import default_gazetteer
from . import ImportContext, ImportResult, SourceError
from .program import read_budget, read_calls_and_reports, read_chain, recognise_criteria
from .cells import (
    is_placeholder,
    lead_in_partner,
    normalise_space,
    plain_text,
    segments,
    split_example_note,
    split_inline_lead_in,
    strip_article,
    strip_tags,
)
from .wording import (
    Vocabulary,
    fold_in_place,
    french_date,
    is_all_caps,
    read_actors,
    read_indicator,
    split_compound,
)

PLAN_COLUMNS = 4
PLAN_HEADER_HINT = "Objectifs spécifiques | Moyens / Actions | Indicateurs | Échéancier"
_FISCAL = re.compile(r"^\s*(\d{4})\s*[-–]\s*(\d{4})\s*$")
_YEARS = re.compile(r"\b((?:19|20)\d{2})(?:\s*[-–]\s*((?:19|20)\d{2}))?\b")
_PRIORITY = re.compile(r"^priorit[ée]s?\s+d'action\s*(?:#|n[o°º]\s*)?\s*(\d+)\b")
_GENERAL_OBJECTIVE = re.compile(r"^\s*(?:[⇒→]\s*)?objectifs?\s+g[ée]n[ée]ra(?:l|ux)\s*:?\s*", re.IGNORECASE)
_SUITE = re.compile(r"\s*[(\[]\s*suite\s*[)\]]\s*$|\s*[-–—]\s*suite\s*$", re.IGNORECASE)
_ALL_TERRITORIES = re.compile(r"\b(?:les|des|aux) (\d+) (?:territoires|mrc)\b")
#: Little words left out of theme ids and prefixes: « Réussite éducative et sociale » → ``reussite-educative-sociale``.
_SMALL_WORDS = frozenset("a au aux d de des du en et l la le les ou par pour sur un une".split())
_VOWELS = frozenset("aeiouy")
_MARKS = {"x", "✓", "✔", "oui", "yes", "•"}

#: Group headings and theme titles that say what kind of theme follows.
HEADING_KINDS = (("enjeu", "enjeu_federateur"), ("visee", "visee_transversale"), ("priorit", "priorite"))
TITLE_KINDS = (("vie associative", "vie_associative"), ("mobilisation", "mobilisation"),
               ("communication", "communications"))


# -- the conventions of actionplan's own Word report (export → import gives the plan back) ----------


@functools.cache
def report_words() -> dict[str, Any]:
    """Words the DOCX report adds around a plan, in both languages (from the report labels)."""
    def both(key: str) -> list[str]:
        return [label_text(key, lang) for lang in ("fr", "en")]

    statuses = [label for key in STATUS_KEYS for label in both(f"status.{key}")]
    roles = {fold(label_text(key, lang)): key.split(".", 1)[1] for key in sorted(LABEL_KEYS)
             if key.startswith("role.") for lang in ("fr", "en")}
    alternatives = "|".join(re.escape(s) for s in sorted(statuses, key=len, reverse=True))
    return {
        "status_suffix": re.compile(r"\s+—\s+(?:" + alternatives + r")(?:\s+\(.*\))?\s*$"),
        "status_line": re.compile(r"^(?:(?:" + alternatives + r"|\d+)[\s·,]*)+$"),
        "partners": re.compile(r"^(?:" + "|".join(re.escape(p) for p in both("col.partners")) + r")\s*:\s*(?P<list>.+)$"),
        "responsible": re.compile(r"^(?:" + "|".join(re.escape(p.split(":")[0].strip()) for p in both("doc.responsible"))
                                  + r")\s*:\s*(?P<list>.+)$"),
        "period": re.compile(r"^(?:" + "|".join(re.escape(p.split(":")[0].strip()) for p in both("report.period"))
                             + r")\s*:\s*(?P<start>.+?)\s+(?:au|to)\s+(?P<end>.+?)(?:\s+·.*)?$"),
        "roles": roles,
    }


def exported_partners(text: str) -> list[tuple[str, str]]:
    """« Table des partenaires (participant), Dynamo (collaborateur) » → [(name, role)]."""
    words = report_words()
    found = []
    for match in re.finditer(r"\s*(?P<name>[^,(][^()]*?)\s*\((?P<role>[^()]+)\)\s*(?:,|$)", text):
        role = words["roles"].get(fold(match["role"]))
        if role:
            found.append((match["name"].strip(), role))
    return found


@attrs.frozen
class Paragraph:
    """A paragraph outside tables; ``where`` locates it in the source (« ligne 12 »)."""

    text: str
    where: str


@attrs.frozen
class Row:
    """One row of a :class:`Table`: its cells' text, and ``where`` it is in the source."""

    cells: tuple[str, ...]
    where: str

    def filled(self) -> list[int]:
        return [i for i, cell in enumerate(self.cells) if plain_text(cell)]


@attrs.frozen
class Table:
    """A table of the source document, row by row; ``where`` locates it (« tableau 2 »)."""

    rows: tuple[Row, ...]
    where: str


Block = Paragraph | Table


# -- table layouts ---------------------------------------------------------------------------


def _folded_cells(row: Row) -> list[str]:
    return [fold_in_place(plain_text(cell)) for cell in row.cells]


def _plan_header_score(cells: Sequence[str]) -> int:
    groups = (("objectif",), ("moyen", "action"), ("indicateur",), ("echeanc", "calendrier"))
    return sum(any(any(word in cell for word in group) for cell in cells) for group in groups)


def detect_layout(row: Row) -> str | None:
    """``plan``, ``priority``, ``tasks`` or ``budget`` when ``row`` is that layout's header."""
    cells = [c for c in _folded_cells(row) if c]
    if not cells:
        return None
    joined = " | ".join(cells)
    if cells[0].startswith("strateg") and "population" in joined:
        return "priority"
    if "tache" in joined and "responsable" in joined and ("debut" in joined or "echeance" in joined):
        return "tasks"
    if sum(bool(_FISCAL.match(c)) for c in cells) >= 2 and any(c.startswith("total") for c in cells):
        return "budget"
    if cells[0].startswith("objectif") and _plan_header_score(cells) >= 3:
        return "plan"
    return None


def split_labelled_note(text: str) -> tuple[str, str | None]:
    """« 31 mars 2026 (Note : Date de l'AGA) » → (« 31 mars 2026 », « Date de l'AGA »): a note written after a label."""
    match = _labelled_note().match(text)
    if match and match["label"]:
        return match["label"].strip(), match["note"].strip()
    return text, None


@functools.cache
def _labelled_note() -> re.Pattern[str]:
    words = "|".join(re.escape(label_text("col.note", lang)) for lang in ("fr", "en"))
    return re.compile(r"^(?P<label>.*?)\s*\((?:" + words + r")\s*:\s*(?P<note>[^()\n]+)\)\s*$", re.IGNORECASE)


def _organisation_header(lang: str) -> list[str]:
    return [fold(label_text(key, lang)) for key in ("doc.organisation", "doc.short_name", "doc.organisation_id")]


@functools.cache
def _organisations_headings() -> frozenset[str]:
    return frozenset(fold(label_text("doc.organisations", lang)) for lang in ("fr", "en"))


def organisation_entries(table: Table) -> list[tuple[str, str | None, str]] | None:
    """``(name, short name, id)`` of a report's organisations table, or None when ``table`` is not one.

    Rows whose identifier is not a plain id (lower-case words joined by dashes) are left out:
    their organisation gets an id from its name, as elsewhere.
    """
    rows = [row for row in table.rows if row.filled()]
    if not rows:
        return None
    header = [fold(plain_text(cell)) for cell in rows[0].cells]
    if header not in (_organisation_header("fr"), _organisation_header("en")):
        return None
    entries = []
    for row in rows[1:]:
        cells = [normalise_space(plain_text(cell)) for cell in row.cells]
        if len(cells) != 3 or not cells[0] or slugify(cells[2]) != cells[2]:
            continue
        entries.append((cells[0].rstrip(" ;,."), cells[1] or None, cells[2]))
    return entries


def is_plan_title(text: str) -> bool:
    """« Plan d'action 2026 », « Concertation Horizon — Plan d'action 2026 » (not a question about the plan)."""
    folded = fold_in_place(text).strip("*# ")
    return ("plan d'action" in folded or folded.startswith("action plan")) and len(folded.split()) <= 14 \
        and not folded.endswith("?")


def is_general_objective(text: str) -> bool:
    return bool(_GENERAL_OBJECTIVE.match(text))


def heading_like(text: str) -> bool:
    """Short, without a final period: a heading rather than a sentence."""
    words = text.split()
    return 0 < len(words) <= 12 and not text.rstrip().endswith((".", ";", ","))


# -- the reader ------------------------------------------------------------------------------


@attrs.define
class _Theme:
    data: dict
    key: str
    prefix: str


class LayoutReader:
    """Reads blocks into a plan's plain data; one reader per document."""

    def __init__(self, blocks: Sequence[Block], ctx: ImportContext):
        self.blocks = list(blocks)
        self.ctx = ctx
        self.t = ctx.t
        self.vocabulary = Vocabulary.learn(self._all_texts())
        self.unplaced: list[Issue] = []
        self.warnings: list[Issue] = []
        self.ids: set[str] = set()
        self.organisations: dict[str, dict] = {}
        self.themes: list[_Theme] = []
        self.tasks: list[dict] = []
        self.context: list[dict] = []
        self.leftover: list[str] = []
        self.title: str | None = None
        self.mission: str | None = None
        self.fiscal_years: list[tuple[int, int]] = []
        self.free_text_schedules = False
        self.period_line: tuple[dt.date, dt.date] | None = None
        self.pending: list[Paragraph] = []
        self.started = False
        self.group: tuple[str | None, str] | None = None
        self.theme: _Theme | None = None
        self.objective: dict | None = None
        self.subheading: str | None = None
        self.layout: str | None = None
        self.territories = self._plan_territories()
        self.budget: tuple[list[list[str]], list[str]] | None = None  # a forecast budget's cells and places

    # -- entry point ---------------------------------------------------------------------
    def read(self) -> ImportResult:
        status_lines = 0
        for block in self._seed_organisations(self.blocks):
            if isinstance(block, Table):
                self._table(block)
            elif is_general_objective(block.text):
                self._start_theme(block)
            elif report_words()["status_line"].match(plain_text(block.text)) and self.started:
                status_lines += 1  # « À risque · 6 À risque »: progress written by a report, not plan data
            elif plain_text(block.text):
                self.pending.append(block)
        if status_lines:
            self.warnings.append(Issue("", tn("importers.layout.status_lines_ignored", status_lines, self.ctx.lang),
                                       severity="warning"))
        self._flush(self.pending)
        self.pending = []
        if not self.themes and not self.tasks:
            raise SourceError(self.ctx.source, self.t("importers.layout.nothing_found"),
                expected=self.t("importers.layout.nothing_found_expected", hint=PLAN_HEADER_HINT))
        data = self._document()
        return ImportResult(data, tuple(sorted(self.unplaced, key=_source_order)),
                            tuple(sorted(self.warnings, key=_source_order)))

    # -- reporting -----------------------------------------------------------------------
    def _unplaced(self, where: str, text: str, code: str, **params: Any) -> None:
        """Text the reader could not place; ``code`` (a catalogue code) says why."""
        self.unplaced.append(Issue(where, self.t(code, **params), found=f"« {text} »", severity="warning"))

    def _warn(self, where: str, code: str, found: str | None = None, **params: Any) -> None:
        """A reading to check; ``code`` (a catalogue code) says what was read and how."""
        self.warnings.append(Issue(where, self.t(code, **params), found=found, severity="warning"))

    # -- ids and organisations -----------------------------------------------------------
    def _unique(self, base: str) -> str:
        base = base or "x"
        candidate, n = base, 2
        while candidate in self.ids:
            candidate, n = f"{base}-{n}", n + 1
        self.ids.add(candidate)
        return candidate

    def _seed_organisations(self, blocks: list[Block]) -> list[Block]:
        """The blocks without the organisations table a report appends, whose names and ids seed the plan's.

        The DOCX report ends with « Organisations » and a table *Organisation · Nom court ·
        Identifiant*: read back, each name keeps its id (and short name) instead of getting one
        made from its words, so an exported plan imports with the same organisation ids.
        """
        kept: list[Block] = []
        for block in blocks:
            entries = organisation_entries(block) if isinstance(block, Table) else None
            if entries is None:
                kept.append(block)
                continue
            if kept and isinstance(kept[-1], Paragraph) and fold(plain_text(kept[-1].text)) in _organisations_headings():
                kept.pop()
            for name, short, identifier in entries:
                key = fold(name)
                if key in self.organisations or identifier in self.ids:
                    continue
                self.ids.add(identifier)
                self.organisations[key] = {"id": identifier, "name": name, **({"short_name": short} if short else {})}
        return kept

    def _organisation(self, name: str) -> str:
        name = normalise_space(name).rstrip(" ;,.")
        key = fold(name)
        if key not in self.organisations:
            self.organisations[key] = {"id": self._unique(slugify(name)), "name": name}
        return self.organisations[key]["id"]

    # -- territories ---------------------------------------------------------------------
    def _plan_territories(self) -> list[str]:
        given = self.ctx.options.get("territories")
        if given:
            return list(given)
        gazetteer = default_gazetteer()
        head = [b.text for b in self.blocks[:40] if isinstance(b, Paragraph)]
        found = self._find_mrc(gazetteer, " \n ".join(head)) or self._find_mrc(gazetteer, " \n ".join(self._all_texts()))
        return found

    def _find_mrc(self, gazetteer, text: str) -> list[str]:
        """MRC the text names. With every MRC of Quebec in the gazetteer, a bare word is weak evidence:

        * « MRC de Roussillon », « MRC des Sources », and names of several words
          (« Beauharnois-Salaberry », « Haut-Saint-Laurent ») count;
        * a name that is a common word once its article is dropped (« sources », « érable »,
          « granit ») counts only after « MRC »;
        * another one-word name (« Roussillon », « Laval ») counts when the text names no MRC
          more surely, or one of the same region.
        """
        folded = fold_in_place(strip_tags(text))
        sure: list[Any] = []
        weak: list[Any] = []
        for territory in gazetteer.by_level("mrc"):
            full, bare = fold_in_place(territory.name), fold_in_place(strip_article(territory.name))
            after_mrc = r"\bmrc\s+(?:de\s+la\s+|de\s+l'|de\s+|du\s+|des\s+|d')?"
            if any(re.search(after_mrc + re.escape(name) + r"(?![\w-])", folded) for name in {full, bare} if name):
                sure.append(territory)
                continue
            one_word = not re.search(r"[\s'-]", bare)
            if one_word and bare != full:
                continue  # « les sources de financement » is no MRC
            if any(re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", folded) for name in {full, bare} if name):
                (weak if one_word else sure).append(territory)
        regions = {t.parent for t in sure}
        found = sure + [t for t in weak if not sure or t.parent in regions]
        order = {t.id: i for i, t in enumerate(gazetteer.by_level("mrc"))}
        return [t.id for t in sorted(found, key=lambda t: order[t.id])]

    def _all_texts(self) -> Iterable[str]:
        for block in self.blocks:
            if isinstance(block, Paragraph):
                yield block.text
            else:
                for row in block.rows:
                    yield from row.cells

    # -- paragraphs ----------------------------------------------------------------------
    def _flush(self, paragraphs: list[Paragraph]) -> None:
        """Paragraphs that no theme or table claimed: the preamble, or unplaced text."""
        if not paragraphs:
            return
        if not self.started:
            self._preamble(paragraphs)
            return
        for paragraph in paragraphs:
            self._stray(paragraph)

    def _stray(self, paragraph: Paragraph) -> None:
        text = plain_text(paragraph.text)
        if is_placeholder(text):
            self._warn(paragraph.where, N_("importers.layout.empty_form_field"), f"« {text} »")
            return
        self._unplaced(paragraph.where, text, N_("importers.layout.paragraph_outside"))
        self.leftover.append(text)

    def _preamble(self, paragraphs: list[Paragraph]) -> None:
        cover: list[str] = []
        section: dict | None = None
        index = 0
        while index < len(paragraphs):
            paragraph = paragraphs[index]
            text = plain_text(paragraph.text)
            index += 1
            folded = fold_in_place(text).rstrip(" :")
            if is_placeholder(text):
                self._warn(paragraph.where, N_("importers.layout.empty_form_field"), f"« {text} »")
            elif folded in ("mission", "notre mission", "la mission", "mission de l'organisme"):
                body = []
                while index < len(paragraphs) and not self._heading(paragraphs[index]):
                    body.append(plain_text(paragraphs[index].text))
                    index += 1
                if body:
                    self.mission = "\n\n".join(body)
                else:
                    self._unplaced(paragraph.where, text, N_("importers.layout.mission_without_text"))
            elif is_plan_title(text) and self.title is None:
                self.title = self.vocabulary.sentence_case(text)
            elif self._read_period_line(text):
                pass
            elif self.title is None and not self.context:
                cover.append(text)
            elif self._heading(paragraph):
                title, _, inline = text.partition(":") if len(text.split()) > 12 else (text, "", "")
                section = {"title": self.vocabulary.sentence_case(title.strip().rstrip(" :")), "body": [],
                           "where": paragraph.where}
                if inline.strip():
                    section["body"].append(self.vocabulary.sentence_case(inline.strip()))
                self.context.append(section)
            else:
                if section is None:
                    section = {"title": self.t("importers.layout.preamble"), "body": [], "where": paragraph.where}
                    self.context.append(section)
                section["body"].append(text)
        if cover:
            self.context.insert(0, {"title": self.t("importers.layout.cover_page"), "body": cover, "where": ""})

    def _read_period_line(self, text: str) -> bool:
        """« Période : 1 janvier 2026 au 31 décembre 2026 » (as a report writes it) gives the exact period."""
        match = report_words()["period"].match(text)
        if not match:
            return False
        start, end = _day(match["start"]), _day(match["end"])
        if start is None or end is None or end < start:
            return False
        self.period_line = (start, end)
        return True

    def _heading(self, paragraph: Paragraph) -> bool:
        text = plain_text(paragraph.text)
        return is_plan_title(text) or (is_all_caps(text) and len(text.split()) > 0) or text.endswith("?")

    # -- themes --------------------------------------------------------------------------
    def _start_theme(self, paragraph: Paragraph) -> None:
        general = _GENERAL_OBJECTIVE.sub("", plain_text(paragraph.text), count=1).strip()
        candidates = list(self.pending)
        self.pending = []
        if not candidates:
            raise SourceError(self.ctx.source, self.t("importers.layout.general_objective_without_title"),
                location=paragraph.where, found=f"« {plain_text(paragraph.text)[:80]} »")
        title = candidates.pop()
        heading = None
        if candidates and heading_like(plain_text(candidates[-1].text)) and not is_plan_title(candidates[-1].text) \
                and fold_in_place(plain_text(candidates[-1].text)).rstrip(" :") != "mission":
            heading = candidates.pop()
        self._flush(candidates)
        self._open_theme(title, heading, general or None)

    def _open_theme(self, title_paragraph: Paragraph, heading: Paragraph | None, general: str | None) -> None:
        self.started = True
        raw = plain_text(title_paragraph.text)
        stripped = _SUITE.sub("", raw).strip()
        continued = stripped != raw
        title = self.vocabulary.sentence_case(stripped)
        if heading is not None:
            heading_text = self.vocabulary.sentence_case(plain_text(heading.text))
            kind = next((k for word, k in HEADING_KINDS if word in fold_in_place(heading_text)), "autre")
            self.group = (heading_text, kind)
        own = next((k for words, k in TITLE_KINDS if fold_in_place(title).startswith(words)), None)
        if own:
            self.group = None
        group_heading, kind = (None, own) if own else (self.group or (None, "autre"))
        key = fold(title)
        self.objective, self.subheading, self.layout = None, None, None
        existing = next((t for t in self.themes if t.key == key), None)
        if existing is not None:
            self.theme = existing
            self._warn(title_paragraph.where, N_("importers.layout.theme_continues"), raw=raw, theme=existing.data["title"])
            known = existing.data.get("general_objective")
            if general and known and general != known:
                self._warn(title_paragraph.where, N_("importers.layout.other_general_objective"), f"« {general} »")
            elif general and not known:
                existing.data["general_objective"] = general
            return
        if continued:
            self._warn(title_paragraph.where, N_("importers.layout.no_previous_section"), raw=raw)
        # a title listing several parts (« Accessibilité… / Renforcement… / Réduction… ») is named by its heading
        named = group_heading if group_heading and " / " in title else title
        slug = theme_slug(named)
        data: dict = {"id": self._unique(slug), "title": title, "kind": kind}
        if group_heading:
            data["heading"] = group_heading
        if general:
            data["general_objective"] = general
        data["objectives"] = []
        self.theme = _Theme(data, key, self._prefix(kind.replace("_", " ") if own else slug))
        self.themes.append(self.theme)

    def _prefix(self, name: str) -> str:
        base = theme_prefix(name)
        taken = {t.prefix for t in self.themes}
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}{n}", n + 1
        return candidate

    # -- tables --------------------------------------------------------------------------
    def _table(self, table: Table) -> None:
        rows = [row for row in table.rows if row.filled()]
        if not rows:
            return
        title_row = None
        layout = detect_layout(rows[0])
        if layout is None and len(rows) > 1 and len(rows[0].filled()) == 1 and detect_layout(rows[1]):
            title_row, rows = rows[0], rows[1:]
            layout = detect_layout(rows[0])
        if layout is None:
            self._check_plan_width(rows[0])
            if self.layout == "plan" and self.theme is not None and len(rows[0].filled()) and \
                    max(rows[0].filled()) < PLAN_COLUMNS:
                self._plan_rows(self.theme, rows, continuation=True)
                return
            self._unknown_table(table, rows)
            return
        getattr(self, f"_{layout}_table")(rows, title_row)

    def _check_plan_width(self, row: Row) -> None:
        """A header that names the plan's columns but has more or fewer of them is an error."""
        cells = [c for c in (plain_text(c) for c in row.cells) if c]
        if _plan_header_score([fold_in_place(c) for c in cells]) >= 3 and len(cells) != PLAN_COLUMNS:
            raise SourceError(self.ctx.source, self.t("importers.layout.table_columns", count=len(cells)), location=row.where,
                expected=self.t("importers.layout.plan_columns_expected", columns=PLAN_COLUMNS, hint=PLAN_HEADER_HINT),
                found=" | ".join(f"« {c} »" for c in cells))

    def _unknown_table(self, table: Table, rows: list[Row]) -> None:
        lines = [" | ".join(plain_text(c) for c in row.cells) for row in rows]
        self._unplaced(table.where, lines[0][:120], N_("importers.layout.unknown_table"))
        self._flush(self.pending)
        self.pending = []
        self.context.append({"title": self.t("importers.layout.unrecognised_table"), "body": lines,
                             "where": table.where})

    # plan tables ------------------------------------------------------------------------
    def _plan_table(self, rows: list[Row], title_row: Row | None) -> None:
        self._check_plan_width(rows[0])
        if title_row is not None:
            self.pending.append(Paragraph(plain_text(title_row.cells[title_row.filled()[0]]), title_row.where))
        if self.pending and heading_like(plain_text(self.pending[-1].text)) and (self.theme is None or self.layout):
            title = self.pending.pop()
            self._flush(self.pending)
            self.pending = []
            self._open_theme(title, None, None)
        if self.theme is None:
            raise SourceError(self.ctx.source, self.t("importers.layout.plan_table_without_section"),
                location=rows[0].where, expected=self.t("importers.layout.section_expected"))
        self._flush(self.pending)
        self.pending = []
        self.layout = "plan"
        self.subheading = None
        self._plan_rows(self.theme, rows[1:], continuation=False)

    def _plan_rows(self, theme: _Theme, rows: list[Row], continuation: bool) -> None:
        if continuation:
            if self.pending and heading_like(plain_text(self.pending[-1].text)):
                self.subheading = plain_text(self.pending.pop().text)
            self._flush(self.pending)
            self.pending = []
        for position, row in enumerate(rows):
            filled = row.filled()
            if any(i >= PLAN_COLUMNS for i in filled):
                raise SourceError(self.ctx.source, self.t("importers.layout.row_cells", count=max(filled) + 1), location=row.where,
                    expected=self.t("importers.layout.columns_expected", columns=PLAN_COLUMNS, hint=PLAN_HEADER_HINT),
                    found=" | ".join(f"« {plain_text(c)[:40]} »" for c in row.cells if plain_text(c)))
            cells = [*row.cells, *([""] * PLAN_COLUMNS)][:PLAN_COLUMNS]
            if filled == [0]:
                following = rows[position + 1] if position + 1 < len(rows) else None
                if following is None or 0 in following.filled():
                    self.subheading = plain_text(cells[0])
                    self.objective = None
                    continue
            self._plan_row(theme, cells, row)

    def _plan_row(self, theme: _Theme, cells: list[str], row: Row) -> None:
        objective_text = " ".join(s.text for s in segments(cells[0]))
        if objective_text:
            objectives = theme.data["objectives"]
            self.objective = {"id": self._unique(f"{theme.prefix}-o{len(objectives) + 1}")}
            if self.subheading:
                self.objective["subheading"] = self.subheading
            self.objective["title"] = objective_text
            self.objective["actions"] = []
            objectives.append(self.objective)
        elif self.objective is None:
            text = " | ".join(plain_text(c) for c in cells if plain_text(c))
            self._unplaced(row.where, text, N_("importers.layout.row_without_objective"))
            self.leftover.append(text)
            return
        actions = self._actions(self.objective, cells[1], row)
        if not actions:
            rest = " | ".join(plain_text(c) for c in cells[2:] if plain_text(c))
            if rest:
                self._unplaced(row.where, rest, N_("importers.layout.indicators_without_action"))
                self.objective["note"] = _join_note(self.objective.get("note"), rest)
            return
        self._indicators(cells[2], actions, row)
        self._schedules(cells[3], actions, row)
        for action in actions:
            self.objective["actions"].append(_ordered_action(action))

    def _actions(self, objective: dict, cell: str, row: Row) -> list[dict]:
        actions: list[dict] = []
        lead: str | None = None
        cell_segments = segments(cell)
        for position, segment in enumerate(cell_segments):
            partners = report_words()["partners"].match(segment.text) if not segment.bullet else None
            if partners and actions:
                for name, role in exported_partners(partners["list"]):
                    _add_partner(actions[-1], self._organisation(name), role)
                continue
            if segment.is_lead_in and position < len(cell_segments) - 1:
                lead = segment.text
                continue
            description, title = split_inline_lead_in(segment.text)
            if segment.is_lead_in:
                self._warn(row.where, N_("importers.layout.lead_in_as_action"), f"« {segment.text} »")
            number = len(objective["actions"]) + len(actions) + 1
            action: dict[str, Any] = {"id": self._unique(f"{objective['id']}-a{number}"), "title": title}
            descriptions = [d for d in (lead, description) if d]
            if descriptions:
                action["description"] = " ".join(descriptions)
            for text in descriptions:
                who = lead_in_partner(text)
                if who:
                    _add_partner(action, self._organisation(who), "collaborator")
            if self._names_all_territories(title):
                action["territories"] = list(self.territories)
            actions.append(action)
        return actions

    def _names_all_territories(self, text: str) -> bool:
        """« … pour les 5 territoires MRC »: the action reaches each of the plan's N territories."""
        match = _ALL_TERRITORIES.search(fold_in_place(text))
        return match is not None and int(match.group(1)) == len(self.territories) > 1

    def _indicators(self, cell: str, actions: list[dict], row: Row) -> None:
        items: list[tuple[str, str | None]] = []  # (wording, note)
        lead: str | None = None
        words = report_words()
        for segment in segments(cell):
            responsible = words["responsible"].match(segment.text) if not segment.bullet else None
            if responsible:
                for action in actions:
                    for name in re.split(r"\s*,\s*", responsible["list"]):
                        if name:
                            _add_partner(action, self._organisation(name), "responsible")
                continue
            if segment.is_lead_in:
                lead = segment.text.rstrip(" :").strip()
                who = lead_in_partner(segment.text)
                if who:
                    organisation = self._organisation(who)
                    for action in actions:
                        _add_partner(action, organisation, "collaborator",
                                     self.t("importers.layout.indicator_column", text=segment.text))
                continue
            label, note = split_example_note(words["status_suffix"].sub("", segment.text))
            if note is None:
                label, note = split_labelled_note(label)
            notes = [n for n in (lead, note) if n]
            items.append((label, " ".join(notes) or None))
        if not items:
            return
        readings = [self._read_item(label, note, row) for label, note in items]
        has_actors = any(kind == "actors" for kind, _ in readings)
        paired = len(items) == len(actions)
        for index, (kind, payload) in enumerate(readings):
            targets = [actions[index]] if paired else actions
            label, note = items[index]
            if kind == "unknown" and has_actors:
                self._unplaced(row.where, label, N_("importers.layout.neither_indicator_nor_actor"))
                for action in targets:
                    action["note"] = _join_note(action.get("note"), self.t(
                        "importers.layout.indicator_column", text=label))
                continue
            if kind == "unknown":
                self._warn(row.where, N_("importers.layout.indicator_as_deliverable"), f"« {label} »")
                payload = [({"label": label, "kind": "deliverable"}, note)]
            for action in targets:
                if kind == "actors":
                    for name, actor_note in payload:
                        _add_partner(action, self._organisation(name), "responsible", actor_note)
                    continue
                for fields, item_note in payload:
                    indicators = action.setdefault("indicators", [])
                    indicator = {"id": self._unique(f"{action['id']}-i{len(indicators) + 1}"), **fields}
                    if item_note:
                        indicator["note"] = item_note
                    indicators.append(indicator)

    def _read_item(self, label: str, note: str | None, row: Row) -> tuple[str, list]:
        """``("indicators", [(fields, note)])``, ``("actors", [(name, note)])`` or ``("unknown", [])``."""
        parts = split_compound(label, self.territories)
        readings = [(part, reading) for part in parts
                    if (reading := read_indicator(part, self.territories)) is not None]
        if len(readings) == len(parts):
            result = []
            for part, reading in readings:
                fields = {"label": part, "kind": reading.kind, **reading.fields}
                if fields.pop("_coverage_unresolved", False):
                    self._warn(row.where, N_("importers.layout.unnamed_coverage"), f"« {part} »")
                item_note = note
                if len(parts) > 1:
                    item_note = _join_note(note, self.t("importers.layout.source_cell", label=label))
                result.append((fields, item_note))
            return "indicators", result
        actors = read_actors(label)
        if actors:
            return "actors", actors
        return "unknown", []

    def _schedules(self, cell: str, actions: list[dict], row: Row) -> None:
        items = [s.text for s in segments(cell)]
        if not items:
            return
        if len(items) == 1:
            texts = [items[0]] * len(actions)
        elif len(items) == len(actions):
            texts = items
        else:
            whole = plain_text(cell)
            if len(actions) > 1:
                self._warn(row.where, N_("importers.layout.schedules_per_action"), f"« {whole} »", schedules=len(items),
                           actions=len(actions))
            texts = [whole] * len(actions)
        for action, text in zip(actions, texts):
            action["schedule"] = self._schedule_text(text, row)

    def _schedule_text(self, text: str, row: Row) -> str:
        try:
            parse_schedule(text)
        except ScheduleError:
            self.free_text_schedules = True
            self._warn(row.where, N_("importers.layout.schedule_not_recognised"), f"« {text} »")
        return text

    # priority tables (Alliance) ----------------------------------------------------------
    def _priority_table(self, rows: list[Row], title_row: Row | None) -> None:
        number, title = self._priority_heading(title_row, rows[0])
        header = rows[0]
        body = rows[1:]
        years = self._year_columns(header)
        if body and not years:
            years = self._year_columns(body[0])
            if years:
                body = body[1:]
        if years:
            self._note_fiscal_years([label for _, label in years], header.where)
        headers = [plain_text(c) for c in header.cells]
        key = f"priorite:{number}" if number is not None else fold(title)
        theme = next((t for t in self.themes if t.key == key), None)
        if theme is None:
            base = f"priorite-{number}-{theme_slug(title)}" if number is not None else theme_slug(title)
            data: dict[str, Any] = {"id": self._unique(base), "title": title, "kind": "priorite"}
            if number is not None:
                data["number"] = number
            data["objectives"] = [{"id": self._unique(f"p{number or len(self.themes) + 1}-o1"),
                                   "title": headers[0] or self.t("importers.layout.strategies_actions"),
                                   "actions": []}]
            theme = _Theme(data, key, f"p{number or len(self.themes) + 1}")
            self.themes.append(theme)
        objective = theme.data["objectives"][0]
        self.theme, self.layout, self.objective = theme, "priority", objective
        for row in body:
            self._priority_row(theme, objective, row, years)

    def _priority_heading(self, title_row: Row | None, header: Row) -> tuple[int | None, str]:
        pending, self.pending = self.pending, []
        number, start = None, None
        for index in range(len(pending) - 1, -1, -1):
            match = _PRIORITY.match(fold_in_place(plain_text(pending[index].text)))
            if match:
                number, start = int(match.group(1)), index
                break
        before = pending[:start] if start is not None else pending
        after = pending[start + 1:] if start is not None else []
        title = None
        if title_row is not None:
            title = plain_text(title_row.cells[title_row.filled()[0]])
        for paragraph in after:
            text = plain_text(paragraph.text)
            if is_placeholder(text):
                self._warn(paragraph.where, N_("importers.layout.empty_form_field"), f"« {text} »")
            elif title is None:
                title = text
            else:
                before.append(paragraph)
        if start is None and title is None and before and heading_like(plain_text(before[-1].text)):
            title = plain_text(before.pop().text)
        self._flush(before)
        self.started = True
        if title is None:
            raise SourceError(self.ctx.source, self.t("importers.layout.priority_without_title"),
                              location=header.where, expected=self.t("importers.layout.priority_title_expected"))
        return number, self.vocabulary.sentence_case(title)

    def _year_columns(self, row: Row) -> list[tuple[int, str]]:
        return [(i, plain_text(c)) for i, c in enumerate(row.cells) if _FISCAL.match(plain_text(c))]

    def _note_fiscal_years(self, labels: list[str], where: str) -> None:
        for label in labels:
            match = _FISCAL.match(label)  # the labels are the year columns' headers, which match
            if match is not None and int(match[2]) == int(match[1]) + 1:
                self.fiscal_years.append((int(match[1]), int(match[2])))

    def _priority_row(self, theme: _Theme, objective: dict, row: Row, years: list[tuple[int, str]]) -> None:
        cells = [plain_text(c) for c in row.cells] + [""] * 3
        if not cells[0]:
            text = " | ".join(c for c in cells if c)
            self._unplaced(row.where, text, N_("importers.layout.row_without_strategy"))
            self.leftover.append(text)
            return
        actions = objective["actions"]
        action: dict[str, Any] = {"id": self._unique(f"{theme.prefix}-a{len(actions) + 1}"), "title": cells[0]}
        if cells[1]:
            action["scale"] = cells[1]
        if cells[2]:
            action["population"] = cells[2]
        mrcs = [t for t in self.territories if t.startswith("mrc:")]
        if fold(cells[1]) == "mrc" and len(mrcs) == 1:
            action["territories"] = mrcs
        marked = []
        for column, label in years:
            mark = cells[column] if column < len(cells) else ""
            if fold(mark) in _MARKS:
                marked.append(label)
            elif mark:
                self._warn(row.where, N_("importers.layout.unexpected_mark"), f"« {mark} »", label=label)
        if marked:
            action["schedule"] = self._schedule_text(" · ".join(marked), row)
        actions.append(_ordered_action(action))

    # summary schedule ----------------------------------------------------------------------
    def _tasks_table(self, rows: list[Row], title_row: Row | None) -> None:
        self._flush(self.pending)
        self.pending = []
        self.started = True
        columns = _columns(rows[0], {"objective": ("objectif",), "tasks": ("tache",), "responsible": ("responsable",),
                                     "start": ("debut",), "deadline": ("echeance", "fin")})
        for row in rows[1:]:
            cells = [plain_text(c) for c in row.cells]
            value = {name: cells[i] for name, i in columns.items() if i < len(cells) and cells[i]}
            if "objective" not in value:
                text = " | ".join(c for c in cells if c)
                self._unplaced(row.where, text, N_("importers.layout.schedule_row_without_objective"))
                self.leftover.append(text)
                continue
            task = {"id": self._unique(slugify(value["objective"], 50))}
            task.update({k: value[k] for k in ("objective", "tasks", "responsible") if k in value})
            for key in ("start", "deadline"):
                if key in value:
                    task[key] = self._schedule_text(value[key], row)
            self.tasks.append(task)

    # budget ----------------------------------------------------------------------------------
    def _budget_table(self, rows: list[Row], title_row: Row | None) -> None:
        pending, self.pending = self.pending, []
        title = self.t("importers.layout.budget")
        body: list[str] = []
        heading_index = next((i for i in range(len(pending) - 1, -1, -1) if self._heading(pending[i])), None)
        if heading_index is not None:
            self._flush(pending[:heading_index])
            title = self.vocabulary.sentence_case(plain_text(pending[heading_index].text))
            body = [plain_text(p.text) for p in pending[heading_index + 1:]]
        else:
            self._flush(pending)
        self.started = True
        self.budget = ([[plain_text(c) for c in row.cells] for row in rows], [row.where for row in rows])
        lines = [" | ".join(plain_text(c) for c in row.cells) for row in rows]
        self.context.append({"title": title, "body": [*body, "\n".join(lines)] if body else ["\n".join(lines)],
                             "where": rows[0].where})
        self._warn(rows[0].where, N_("importers.layout.budget_as_text"))

    # -- the document --------------------------------------------------------------------
    def _document(self) -> dict:
        options = self.ctx.options
        organisation = options.get("organisation")
        doc_title = options.get("title") or self.title or self.t("importers.layout.action_plan")
        prefixed = organisation and not options.get("title") and not fold(doc_title).startswith(fold(organisation))
        title = f"{organisation} — {doc_title}" if prefixed else doc_title
        period, years_label = self._period(doc_title)
        data: dict = {"schema_version": 1}
        data["id"] = options.get("id") or slugify(f"{organisation or ''} {years_label}" if organisation else title, 80)
        data["title"] = title
        data["period"] = period
        organisation_id = None
        if organisation:
            organisation_id = slugify(organisation)
            entry = {"id": organisation_id, "name": organisation}
            short = self._short_name(organisation)
            if short:
                entry["short_name"] = short
            self.organisations = {fold(organisation): entry, **{
                k: v for k, v in self.organisations.items() if v["id"] != organisation_id}}
            data["organisation"] = organisation_id
        data["language"] = "fr"
        if self.fiscal_years:
            data["fiscal_years"] = True
        if self.free_text_schedules:
            data["free_text_schedules"] = True
        if self.mission:
            data["mission"] = self.mission
        name = PurePath(self.ctx.source).name
        data["source"] = self.t("importers.layout.imported_from", name=name)
        if self.territories:
            data["territories"] = list(self.territories)
            if not options.get("territories"):
                self._warn("", N_("importers.layout.territories_found"), ", ".join(self.territories))
        context = [{"title": s["title"], "body": "\n\n".join(s["body"])} for s in self.context if s["body"]]
        for section in self.context:
            if not section["body"]:
                self._unplaced(section["where"], section["title"], N_("importers.layout.heading_without_text"))
        if self.leftover:
            context.append({"title": self.t("importers.layout.text_not_placed"),
                            "body": "\n\n".join(self.leftover)})
        if context:
            data["context"] = context
        if self.organisations:
            data["organisations"] = list(self.organisations.values())
        data["themes"] = [t.data for t in self.themes]
        if self.tasks:
            data["tasks"] = self.tasks
        program = self._program(data)
        if program is not None:
            data["program"] = program
        return data

    def _program(self, data: dict) -> dict | None:
        """The grant program the plan describes (an Alliance plan: criteria and a forecast budget), or ``None``."""
        criteria_sections = [s for s in self.context if fold(s["title"]).startswith("criteres") and s["body"]]
        if self.budget is None and not criteria_sections:
            return None
        period = {key: dt.date.fromordinal(day.toordinal()) for key, day in data["period"].items()}  # no YAML alias
        program: dict[str, Any] = {"id": data["id"], "title": data["title"], "period": period}
        if data.get("territories"):
            program["territories"] = list(data["territories"])
        priorities = [theme["id"] for theme in data["themes"] if theme.get("kind") == "priorite"]
        if priorities:
            program["priorities"] = priorities
        criteria = [c for s in criteria_sections
                    for c in recognise_criteria(" ".join(s["body"]), s["where"], self._warn)]
        if criteria:
            program["criteria"] = criteria
        chain = read_chain([task.get("tasks", "") for task in self.tasks])
        if chain is not None:
            program["chain"] = chain
        if self.budget is not None:
            rows, places = self.budget
            budget = read_budget(rows, places, self._warn)
            program["budget"] = budget["budget"]
            if "total" in budget:
                program["total"] = budget["total"]
            carry = budget.get("carry_over")
            if carry:
                program["note"] = carry
                end = french_date(carry)
                if end is not None and end != program["period"]["end"]:
                    self._warn(places[0], N_("importers.program.end_from_carry_over"), str(end))
                    program["period"]["end"] = end
        calls, reports = read_calls_and_reports(self.tasks)
        if calls:
            program["calls"] = calls
        if reports:
            program["reports"] = reports
        self._warn("", N_("importers.program.built"), None, criteria=Plural("importers.program.criteria_count", len(criteria)),
                   years=Plural("importers.program.years_count", len(program.get("budget", {}))))
        return program

    def _period(self, title: str) -> tuple[dict, str]:
        given = self.ctx.options.get("year")
        if self.period_line and not given:
            start, end = self.period_line
            label = str(start.year) if start.year == end.year else f"{start.year}-{end.year}"
            return {"start": start, "end": end}, label
        text = str(given) if given else title
        match = _YEARS.search(text)
        if not match:
            raise SourceError(self.ctx.source, self.t("importers.layout.no_period"),
                expected=self.t("importers.layout.period_expected"),
                found=f"--year {given!r}" if given else f"« {title} »")  # the text that was searched
        first = int(match.group(1))
        last = int(match.group(2) or match.group(1))
        if last < first:
            raise SourceError(self.ctx.source, self.t("importers.layout.period_reversed"),
                              found=match.group(0))
        label = match.group(0).replace("–", "-").replace(" ", "")
        if self.fiscal_years and last > first:
            return {"start": dt.date(first, 4, 1), "end": dt.date(last, 3, 31)}, label
        return {"start": dt.date(first, 1, 1), "end": dt.date(last, 12, 31)}, label

    def _short_name(self, organisation: str) -> str | None:
        pattern = re.compile(re.escape(organisation) + r"\s*\(([A-ZÀ-Ý][A-ZÀ-Ý0-9&+-]{1,9})\)")
        for text in self._all_texts():
            match = pattern.search(text)
            if match:
                return match.group(1)
        return None


# -- small helpers -----------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return [w for w in slugify(text, 200).split("-") if w not in _SMALL_WORDS]


def theme_slug(title: str) -> str:
    """A theme's id from its title, little words left out: « Mobilisation des territoires » → ``mobilisation-territoires``."""
    return "-".join(_words(title))[:50].rstrip("-") or slugify(title, 50)


def theme_prefix(name: str) -> str:
    """The short prefix of a theme's objective ids, derived from its name (its id, or its kind's name).

    Several words give their initials (``securite-alimentaire`` → ``sa``, ``vie associative`` → ``va``);
    one word gives its letters up to its second consonant (``transport`` → ``tr``, ``logement`` → ``log``,
    ``mobilisation`` → ``mob``).
    """
    words = [w for w in _words(name) if not w.isdigit()] or slugify(name, 200).split("-")
    if len(words) > 1:
        return "".join(w[0] for w in words[:4])
    word, consonants = words[0], 0
    for index, letter in enumerate(word):
        consonants += letter not in _VOWELS
        if consonants == 2:
            return word[:index + 1]
    return word[:3] or "t"


def _columns(header: Row, wanted: dict[str, tuple[str, ...]]) -> dict[str, int]:
    cells = _folded_cells(header)
    found: dict[str, int] = {}
    for name, words in wanted.items():
        for index, cell in enumerate(cells):
            if index not in found.values() and any(cell.startswith(w) or f" {w}" in cell for w in words):
                found[name] = index
                break
    return found


def _source_order(issue: Issue) -> tuple[int, ...]:
    """Issues in the order of the source: by the numbers of their place; the whole document last."""
    numbers = tuple(int(n) for n in re.findall(r"\d+", issue.path))
    return numbers or (1 << 30,)


def _day(text: str) -> dt.date | None:
    """A date written in full French (« 1 janvier 2026 », « 1er avril 2026 ») or ISO."""
    text = text.strip().rstrip(".")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return french_date(text)


def _join_note(existing: str | None, extra: str) -> str:
    return f"{existing} ; {extra}" if existing else extra


def _add_partner(action: dict, organisation: str, role: str, note: str | None = None) -> None:
    partners = action.setdefault("partners", [])
    if any(p["organisation"] == organisation and p["role"] == role for p in partners):
        return
    partner = {"organisation": organisation, "role": role}
    if note:
        partner["note"] = note
    partners.append(partner)


_ACTION_ORDER = ("id", "title", "description", "scale", "population", "territories", "schedule", "partners",
                 "indicators", "note")


def _ordered_action(action: dict) -> dict:
    """Fields in the order people read them in plan files."""
    return {key: action[key] for key in _ACTION_ORDER if key in action}
