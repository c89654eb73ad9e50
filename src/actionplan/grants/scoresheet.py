"""The score sheet of a call: each member's marks, N/A, recusals, each application's aggregate and spread.

:func:`build_score_sheet` gathers what a score sheet shows, in the committee's rank order, as
plain data a format can lay out without computing anything: :class:`ScoreSheet` (the grid, the
members, one :class:`SheetEntry` per application) and :meth:`ScoreSheet.labels`, every word a
format needs in the language asked for. The formats are registered through the
``actionplan_register_score_sheet_formats`` hook: ``html`` by actionplan
(:mod:`actionplan.reports.score_sheet`), ``xlsx`` by actionplan-office.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

import attrs

from ..i18n import t
from ..model.committee import NOT_APPLICABLE, CommitteeMember, ScoringGrid
from ..model.grants import Application
from .committee import SINGLE_SCORER, ApplicationScore, Committee, MemberMarks
from .rules import number

#: What a cell of the sheet holds for one member and one criterion.
CELL_KINDS = ("mark", "na", "recused", "none")


@attrs.frozen
class SheetEntry:
    """One application on the sheet: its rank (``None`` when not eligible), lead and scores."""

    rank: int | None
    application: Application
    lead: str  # the lead organisation's name
    score: ApplicationScore

    def member(self, member_id: str) -> MemberMarks | None:
        return next((m for m in self.score.members if m.member == member_id), None)

    def recused(self, member_id: str) -> bool:
        return any(r.member == member_id for r in self.score.recusals)

    def cell(self, member_id: str, criterion_id: str) -> tuple[str, Decimal | None]:
        """(kind, mark): ``("mark", 4)``, ``("na", None)``, ``("recused", None)`` or ``("none", None)``."""
        if self.recused(member_id):
            return "recused", None
        marks = self.member(member_id)
        if marks is None or criterion_id not in marks.marks:
            return "none", None
        mark = marks.marks[criterion_id]
        return ("na", None) if mark is None else ("mark", mark)

    def member_score(self, member_id: str) -> tuple[str, Decimal | None]:
        """(kind, the member's own score out of 100) for the sheet's total row."""
        if self.recused(member_id):
            return "recused", None
        marks = self.member(member_id)
        if marks is None or marks.score is None:
            return "none", None
        return "mark", marks.score


@attrs.frozen
class ScoreSheet:
    """What a score sheet shows: the program, the call, the grid, the members and the applications."""

    program: str  # the program's title
    call: str | None  # the call's title
    meeting: dt.date | None
    illustrative: bool
    grid: ScoringGrid
    members: tuple[CommitteeMember, ...]
    entries: tuple[SheetEntry, ...]

    def labels(self, lang: str = "fr") -> Mapping[str, str]:
        """Every word of the sheet in ``lang`` (a format adds none of its own)."""
        aggregate = "median" if self.grid.aggregate == "median" else "mean"
        return {
            "title": t("scoresheet.title", lang, program=self.program),
            "call": t("scoresheet.call", lang, call=self.call) if self.call else "",
            "meeting": t("scoresheet.meeting", lang),
            "illustrative": t("scoresheet.illustrative", lang) if self.illustrative else "",
            "scale": self._scale(lang),
            "spread": t("scoresheet.col.spread", lang),
            "summary": t("scoresheet.summary", lang),
            "marks": t("scoresheet.marks", lang),
            "rank": t("scoresheet.col.rank", lang),
            "application": t("scoresheet.col.application", lang),
            "lead": t("scoresheet.col.lead", lang),
            "criterion": t("scoresheet.col.criterion", lang),
            "weight": t("scoresheet.col.weight", lang),
            "aggregate": t("scoresheet.col.median", lang) if aggregate == "median" else t("scoresheet.col.mean", lang),
            "score": t("scoresheet.col.score", lang),
            "low": t("scoresheet.col.low", lang),
            "high": t("scoresheet.col.high", lang),
            "stdev": t("scoresheet.col.stdev", lang),
            "scorers": t("scoresheet.col.scorers", lang),
            "recusals": t("scoresheet.col.recusals", lang),
            "total": t("scoresheet.row.total", lang),
            "na": NOT_APPLICABLE,
            "recused": t("scoresheet.recused", lang),
            "none": "–",
            "not_eligible": t("scoresheet.not_eligible", lang),
            "not_scored": t("scoresheet.not_scored", lang),
            "members": t("scoresheet.members", lang),
        }

    def _scale(self, lang: str) -> str:
        low, high = number(self.grid.scale.min, lang), number(self.grid.scale.max, lang)
        if self.grid.scale.min == 0:
            return t("scoresheet.scale", lang, low=low, high=high, na=NOT_APPLICABLE)
        return t("scoresheet.scale.from", lang, low=low, high=high, na=NOT_APPLICABLE)

    def number(self, value: Decimal | None, lang: str = "fr") -> str:
        """A mark or a score as people read it: « 88,67 », "88.67"; « – » for none."""
        return "–" if value is None else number(value, lang)

    def spread(self, entry: SheetEntry, lang: str = "fr") -> str:
        """« écart de 84 à 88 » or « écart type 2 », as the program shows spreads."""
        from .committee import spread_text

        return spread_text(self.grid, entry.score, lang)

    def recusal(self, entry: SheetEntry, lang: str = "fr") -> list[str]:
        """The recusal lines of an application (« Récusation : Luc Bouchard, conflit d'intérêts… »)."""
        from .committee import recusal_line

        return [recusal_line(r, lang) for r in entry.score.recusals]


def build_score_sheet(program, document, committee: Committee, ranked, ineligible=(), *,
                      call: str | None = None, organisations=()) -> ScoreSheet:
    """The sheet of ``committee``'s scores for the applications of ``document`` (of ``call`` when given).

    ``ranked`` are the eligible assessments in the committee's order; ``ineligible`` the others:
    an ineligible application appears (unranked) only when a member scored it or withdrew from it.
    """
    names = {o.id: o.name for o in (*organisations, *document.organisations)}
    entries = []
    for rank, assessment in enumerate(ranked, start=1):
        app = assessment.application
        if call is None or app.call == call:
            entries.append(SheetEntry(rank, app, names.get(app.lead, app.lead), committee[app.id]))
    for assessment in ineligible:
        app = assessment.application
        scored = committee[app.id]
        if (call is None or app.call == call) and (scored.members or scored.recusals):
            entries.append(SheetEntry(None, app, names.get(app.lead, app.lead), scored))
    committee_doc = committee.document
    if committee_doc is not None:
        members = committee_doc.members
        meeting = committee_doc.meeting
        illustrative = committee_doc.illustrative or document.illustrative
        call = call or committee_doc.call
    else:
        members = (CommitteeMember(SINGLE_SCORER, t("committee.single_scorer")),)
        meeting, illustrative = None, document.illustrative
    found = program.call(call) if call else None
    return ScoreSheet(program.title, found.title if found else None, meeting, illustrative, committee.grid,
                      members, tuple(entries))
