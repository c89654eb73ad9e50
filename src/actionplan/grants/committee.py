"""A selection committee's scores: checks with paths, aggregates, spread, recusals, ranking.

The program's grid (``program.scoring``, :class:`~actionplan.model.committee.ScoringGrid`)
names weighted criteria and a scale; a committee document (``type: committee``) gives each
member's marks per application and criterion, ``N/A`` where a criterion does not apply, and the
conflicts of interest members declared. For each application:

* each criterion's aggregate is the mean (or median, a program setting) of the marks of the
  members who scored it, ``N/A`` left out; a criterion every member marked ``N/A`` is left out
  of the score and the other weights are scaled back to 100;
* the score, out of 100, is Σ weight × (aggregate − min) / (max − min) over those criteria;
* the spread is that of the members' own scores (lowest–highest, or the standard deviation);
* a member who declared a conflict of interest on it is recorded as recused and scores nothing.

Without a committee document, an application's ``scores`` are one scorer's marks (the
degenerate committee of one; a criterion left out counts as ``N/A``).

Ranking (:func:`committee_order`): eligible applications by score, higher first (those without
a score after), then the program's tie-breaks in order, then the application id.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

import attrs

from ..documents import DocumentType
from ..errors import Issue
from ..hookspecs import hookimpl
from ..i18n import N_, Message, Plural, t, tn
from ..model.committee import NOT_APPLICABLE, TIE_BREAKS, CommitteeDocument, GridCriterion, ScoringGrid
from ..model.grants import Application, ApplicationsDocument, GrantProgram

_HUNDRED = Decimal(100)
#: The member id of a single scorer's marks (an application's own ``scores``, without a committee file).
SINGLE_SCORER = "single-scorer"
_CENT = Decimal("0.01")


def committee_store_id(document: CommitteeDocument) -> str:
    """Stores keep a committee's scores beside the program, under ``<program>.committee``."""
    return f"{document.program}.committee"


# -- marks --------------------------------------------------------------------------------------


def parse_mark(value: Any) -> Decimal | None:
    """A mark as written: a number → :class:`Decimal`, ``N/A`` → ``None``; ``ValueError`` otherwise."""
    if isinstance(value, str) and value.strip().upper() == NOT_APPLICABLE:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError(value)
    try:
        mark = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(value) from None
    if not mark.is_finite():
        raise ValueError(value)
    return mark


def _number(value: Decimal | int, lang: str) -> str:
    """``rules.number``, imported when a mark is written, not when the document type is registered."""
    from .rules import number

    return number(value, lang)


def _scale_text(grid: ScoringGrid) -> Message:
    return Message("committee.expect.mark", low=_number(grid.scale.min, "fr"), high=_number(grid.scale.max, "fr"),
                   na=NOT_APPLICABLE)


# -- the program's grid -------------------------------------------------------------------------


def check_scoring(program: GrantProgram, path: str = "program.scoring") -> Iterator[Issue]:
    """Issues of the program's grid: weights (positive, summing to 100), ids, scale, tie-breaks."""
    grid = program.scoring
    if grid is None:
        return
    if not grid.items:
        yield Issue(f"{path}.items", Message("committee.no_criteria"), found=Message("found.nothing"))
    seen: set[str] = set()
    for i, criterion in enumerate(grid.items):
        if criterion.weight <= 0:
            yield Issue(f"{path}.items[{i}].weight", Message("criteria.weight_positive"), found=str(criterion.weight))
        if criterion.id in seen:
            yield Issue(f"{path}.items[{i}].id", Message("criteria.grid_item_twice"), found=repr(criterion.id))
        seen.add(criterion.id)
    total = sum((c.weight for c in grid.items), Decimal(0))
    if grid.items and total != _HUNDRED:
        yield Issue(f"{path}.items", Message("criteria.weights_sum"), expected="100", found=str(total))
    if not grid.scale.min < grid.scale.max:
        yield Issue(f"{path}.scale", Message("committee.scale_order"), expected=Message("committee.expect.scale"),
                    found=f"{grid.scale.min}–{grid.scale.max}")
    for i, name in enumerate(grid.tie_breaks):
        if name not in TIE_BREAKS:
            yield Issue(f"{path}.tie_breaks[{i}]", Message("committee.unknown_tie_break"),
                        expected=" | ".join(TIE_BREAKS), found=repr(name))


# -- the committee document ---------------------------------------------------------------------


def _unknown(path: str, code: str, value: str, known: Iterable[str]) -> Issue:
    known = sorted(known)
    close = difflib.get_close_matches(str(value), known, n=1)
    return Issue(path, Message(code), expected=", ".join(known) or Message("found.nothing"), found=repr(value),
                 hint=Message("validation.did_you_mean", name=repr(close[0])) if close else None)


def check_committee_document(document: CommitteeDocument, gazetteer=None) -> Iterator[Issue]:
    """References inside a committee document: members named once, scores and conflicts by known members."""
    seen: dict[str, int] = {}
    for i, member in enumerate(document.members):
        if member.id in seen:
            yield Issue(f"members[{i}].id", Message("committee.duplicate_member", first=f"members[{seen[member.id]}]"),
                        found=repr(member.id))
        seen.setdefault(member.id, i)
    for kind in ("conflicts", "scores"):
        for i, entry in enumerate(getattr(document, kind)):
            if entry.member not in seen:
                yield _unknown(f"{kind}[{i}].member", N_("committee.unknown_member"), entry.member, seen)


def check_committee(committee: CommitteeDocument, document: ApplicationsDocument, plan) -> list[Issue]:
    """Every issue of ``committee`` against the program of ``plan`` and its ``document`` of applications.

    Errors: another program, a program without a grid, an unknown member, application, call or
    criterion, a mark outside the scale (or neither a number nor ``N/A``), a criterion left
    unmarked, a member scoring the same application twice, and a recused member's marks.
    """
    program: GrantProgram = plan.program
    issues = list(check_committee_document(committee))
    if committee.program != plan.id:
        issues.append(Issue("program", Message("committee.other_program"), expected=repr(plan.id),
                            found=repr(committee.program)))
    grid = program.scoring
    if grid is None:
        issues.append(Issue("program", Message("committee.no_grid", program=program.id),
                            expected=Message("committee.expect.grid"), found=Message("found.nothing")))
        return issues
    if committee.call is not None and program.call(committee.call) is None:
        issues.append(_unknown("call", N_("grants.unknown_call"), committee.call, (c.id for c in program.calls)))
    applications = {a.id: a for a in document.applications}
    members = {m.id for m in committee.members}
    conflicts: dict[tuple[str, str], int] = {}
    for i, conflict in enumerate(committee.conflicts):
        if conflict.application not in applications:
            issues.append(_unknown(f"conflicts[{i}].application", N_("grants.unknown_application"), conflict.application,
                                   applications))
        conflicts.setdefault((conflict.member, conflict.application), i)
    criteria = {c.id for c in grid.items}
    scored: dict[tuple[str, str], int] = {}
    for i, entry in enumerate(committee.scores):
        where = f"scores[{i}]"
        app = applications.get(entry.application)
        if app is None:
            issues.append(_unknown(f"{where}.application", N_("grants.unknown_application"), entry.application, applications))
        elif committee.call is not None and app.call is not None and app.call != committee.call:
            issues.append(Issue(f"{where}.application", Message("committee.other_call", call=committee.call),
                                expected=repr(committee.call), found=repr(app.call), severity="warning"))
        key = (entry.member, entry.application)
        if key in scored:
            issues.append(Issue(where, Message("committee.scored_twice", member=entry.member,
                                               application=entry.application, first=f"scores[{scored[key]}]"),
                                found=f"scores[{scored[key]}], {where}"))
        scored.setdefault(key, i)
        if key in conflicts and entry.member in members:
            issues.append(Issue(where, Message("committee.recused_scores", member=entry.member,
                                               application=entry.application,
                                               conflict=f"conflicts[{conflicts[key]}]"),
                                expected=Message("committee.expect.no_marks"),
                                found=Plural("committee.found.marks", len(entry.marks))))
        for name, value in entry.marks.items():
            path = f"{where}.marks.{name}"
            if name not in criteria:
                issues.append(_unknown(path, N_("committee.unknown_criterion"), name, criteria))
                continue
            try:
                mark = parse_mark(value)
            except ValueError:
                issues.append(Issue(path, Message("committee.mark_not_a_number"), expected=_scale_text(grid),
                                    found=repr(value)))
                continue
            if mark is not None and not grid.scale.min <= mark <= grid.scale.max:
                issues.append(Issue(path, Message("committee.mark_out_of_scale"), expected=_scale_text(grid),
                                    found=str(value)))
        for criterion in grid.items:
            if criterion.id not in entry.marks:
                issues.append(Issue(f"{where}.marks", Message("committee.missing_mark", criterion=criterion.id),
                                    expected=_scale_text(grid), found=Message("found.nothing")))
    return issues


# -- aggregates ---------------------------------------------------------------------------------


@attrs.frozen
class Recusal:
    """A member who declared a conflict of interest on an application, and withdrew from it."""

    member: str
    name: str
    declared: dt.date | None = None
    reason: str | None = None


@attrs.frozen
class MemberMarks:
    """One member's marks on an application (``None``: N/A) and the member's own score out of 100."""

    member: str
    name: str
    marks: dict[str, Decimal | None] = attrs.field(eq=True, hash=False)
    score: Decimal | None


@attrs.frozen
class CriterionScore:
    """One grid criterion on one application: its aggregate mark (``None`` when every member said N/A)."""

    criterion: GridCriterion
    aggregate: Decimal | None
    count: int  # members who gave a number
    not_applicable: int  # members who wrote N/A


@attrs.frozen
class ApplicationScore:
    """An application as the committee scored it: per criterion, per member, the score and its spread."""

    application: str
    criteria: tuple[CriterionScore, ...]
    members: tuple[MemberMarks, ...]
    recusals: tuple[Recusal, ...]
    score: Decimal | None  # out of 100, None when nobody scored it
    low: Decimal | None  # the lowest and highest member score
    high: Decimal | None
    stdev: Decimal | None

    @property
    def scorers(self) -> int:
        return len(self.members)


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_EVEN)


def _weighted(grid: ScoringGrid, marks: Mapping[str, Decimal | None]) -> Decimal | None:
    """Σ weight × (mark − min)/(max − min), out of 100, over the criteria with a mark; ``None`` for none."""
    low, width = grid.scale.min, grid.scale.max - grid.scale.min
    weights = total = Decimal(0)
    for criterion in grid.items:
        mark = marks.get(criterion.id)
        if mark is None:
            continue
        weights += criterion.weight
        total += criterion.weight * (mark - low) / width
    if not weights:
        return None
    return _quantize(total * _HUNDRED / weights)


class Committee:
    """The committee's scores of a program's applications, ready to show and to rank by."""

    def __init__(self, program: GrantProgram, applications: Sequence[Application],
                 document: CommitteeDocument | None = None):
        if program.scoring is None:
            raise ValueError(f"program {program.id} has no scoring grid")
        self.grid: ScoringGrid = program.scoring
        self.document = document
        self.scores: dict[str, ApplicationScore] = {}
        marks: dict[str, list[MemberMarks]] = {a.id: [] for a in applications}
        recusals: dict[str, list[Recusal]] = {a.id: [] for a in applications}
        if document is not None:
            names = {m.id: m.name for m in document.members}
            for conflict in document.conflicts:
                recusals.setdefault(conflict.application, []).append(
                    Recusal(conflict.member, names.get(conflict.member, conflict.member), conflict.declared,
                            conflict.reason))
            withdrawn = {(c.member, c.application) for c in document.conflicts}
            for entry in document.scores:
                if (entry.member, entry.application) in withdrawn:
                    continue  # set aside (check_committee refuses them)
                parsed = {c.id: parse_mark(entry.marks[c.id]) for c in self.grid.items if c.id in entry.marks}
                marks.setdefault(entry.application, []).append(
                    MemberMarks(entry.member, names.get(entry.member, entry.member), parsed,
                                _weighted(self.grid, parsed)))
        else:
            for app in applications:
                if app.scores:
                    parsed = {c.id: app.scores.get(c.id) for c in self.grid.items}
                    marks[app.id].append(MemberMarks(SINGLE_SCORER, t("committee.single_scorer"), parsed,
                                                     _weighted(self.grid, parsed)))
        for app in applications:
            self.scores[app.id] = self._score(app.id, tuple(marks.get(app.id, ())), tuple(recusals.get(app.id, ())))

    def _score(self, application: str, members: tuple[MemberMarks, ...], recusals: tuple[Recusal, ...]) -> ApplicationScore:
        import statistics  # here: a committee's scores need it, loading a plan does not

        combine: Callable[[list[Decimal]], Decimal] = (statistics.median if self.grid.aggregate == "median"
                                                       else lambda values: sum(values, Decimal(0)) / len(values))
        criteria = []
        for criterion in self.grid.items:
            given = [m.marks.get(criterion.id) for m in members]
            numbers = [mark for mark in given if mark is not None]
            criteria.append(CriterionScore(criterion, combine(numbers) if numbers else None, len(numbers),
                                           len(given) - len(numbers)))
        score = _weighted(self.grid, {c.criterion.id: c.aggregate for c in criteria})
        own = [m.score for m in members if m.score is not None]
        low = min(own) if own else None
        high = max(own) if own else None
        stdev = _quantize(statistics.pstdev(own)) if own else None
        return ApplicationScore(application, tuple(criteria), members, recusals, score, low, high, stdev)

    def __getitem__(self, application: str) -> ApplicationScore:
        return self.scores[application]

    def get(self, application: str) -> ApplicationScore | None:
        return self.scores.get(application)


# -- ranking ------------------------------------------------------------------------------------


def _tie_keys(names: Sequence[str], priorities: frozenset[str], criteria_rank: Mapping[str, int]):
    def key(app: Application) -> tuple:
        parts: list[Any] = []
        for name in names:
            if name == "priorities":
                parts.append(-len({p for p in app.priorities if p in priorities}))
            elif name == "deposited":
                parts += (app.deposited is None, app.deposited or dt.date.min)
            elif name == "requested":
                parts.append(app.total_requested)
            elif name == "criteria":
                parts.append(criteria_rank.get(app.id, len(criteria_rank)))
        return tuple(parts)
    return key


def committee_order(ranking, committee: Committee, priorities: Iterable[str]) -> tuple:
    """The eligible assessments of an evaluator's ``ranking``, ordered by the committee's score.

    Higher score first, applications without one after; equal scores follow the grid's
    ``tie_breaks`` (``criteria`` is the order of the program's own ranking criteria), then the id.
    """
    criteria_rank = {a.application.id: i for i, a in enumerate(ranking.ranked)}
    tie = _tie_keys(committee.grid.tie_breaks, frozenset(priorities), criteria_rank)

    def key(assessment) -> tuple:
        app = assessment.application
        scored = committee.get(app.id)
        score = scored.score if scored is not None else None
        return (score is None, -(score or 0), *tie(app), app.id)

    return tuple(sorted(ranking.ranked, key=key))


# -- sentences ----------------------------------------------------------------------------------

_TIE_BREAK_CODES = {
    "priorities": N_("committee.tie_break.priorities"),
    "deposited": N_("committee.tie_break.deposited"),
    "requested": N_("committee.tie_break.requested"),
    "criteria": N_("committee.tie_break.criteria"),
}
_AGGREGATE_CODES = {"mean": N_("committee.aggregate.mean"), "median": N_("committee.aggregate.median")}


def committee_rule(grid: ScoringGrid, lang: str) -> str:
    """How the committee's ranking is made: « Les demandes admissibles d'abord, classées selon : … »."""
    aggregate = t(_AGGREGATE_CODES[grid.aggregate], lang)
    ties = t("list.semicolon", lang).join(t(_TIE_BREAK_CODES[name], lang) for name in grid.tie_breaks
                                          if name in _TIE_BREAK_CODES)
    return t("committee.ranking_rule", lang, aggregate=aggregate, ties=ties or "-")


def spread_text(grid: ScoringGrid, scored: ApplicationScore, lang: str) -> str:
    """« écart de 70 à 85,5 » (range) or « écart type 6,24 » (stdev)."""
    if scored.low is None or scored.high is None or scored.stdev is None:
        return ""
    if grid.spread == "stdev":
        return t("committee.spread.stdev", lang, stdev=_number(scored.stdev, lang))
    return t("committee.spread.range", lang, low=_number(scored.low, lang), high=_number(scored.high, lang))


def score_line(grid: ScoringGrid, scored: ApplicationScore, lang: str) -> str:
    """« Note du comité : 78,25 / 100 (moyenne de 3 membres; écart de 70 à 85,5) »."""
    if scored.score is None:
        return t("committee.not_scored", lang)
    score, spread = _number(scored.score, lang), spread_text(grid, scored, lang)
    if grid.aggregate == "median":
        return tn("committee.score.median", scored.scorers, lang, score=score, spread=spread)
    return tn("committee.score.mean", scored.scorers, lang, score=score, spread=spread)


def recusal_line(recusal: Recusal, lang: str) -> str:
    """« Récusation : Marie Roy (conflit d'intérêts déclaré le 2020-02-20 : …); ses notes ne comptent pas »."""
    declared = recusal.declared.isoformat() if recusal.declared else "-"
    if recusal.reason:
        return t("committee.recusal.reason", lang, member=recusal.name, declared=declared, reason=recusal.reason)
    return t("committee.recusal", lang, member=recusal.name, declared=declared)


def as_data(committee: Committee, application: str) -> dict[str, Any] | None:
    """Plain data of one application's committee score (for JSON): Decimals as exact text."""
    scored = committee.get(application)
    if scored is None:
        return None
    text = lambda value: None if value is None else str(value)
    return {
        "score": text(scored.score),
        "aggregate": committee.grid.aggregate,
        "spread": {"low": text(scored.low), "high": text(scored.high), "stdev": text(scored.stdev)},
        "criteria": [{"criterion": c.criterion.id, "weight": str(c.criterion.weight), "aggregate": text(c.aggregate),
                      "marks": c.count, "not_applicable": c.not_applicable} for c in scored.criteria],
        "members": [{"member": m.member, "name": m.name, "score": text(m.score),
                     "marks": {k: (NOT_APPLICABLE if v is None else str(v)) for k, v in m.marks.items()}}
                    for m in scored.members],
        "recusals": [{"member": r.member, "name": r.name, "declared": r.declared.isoformat() if r.declared else None,
                      "reason": r.reason} for r in scored.recusals],
    }


#: ``type: committee``: references inside the document are checked on loading; checks against the
#: program and its applications need both (:func:`check_committee`).
COMMITTEE_TYPE = DocumentType("committee", CommitteeDocument, store_id=committee_store_id,
                              checks=check_committee_document)


@hookimpl
def actionplan_register_document_types(register: Callable[[DocumentType], None]) -> None:
    register(COMMITTEE_TYPE)
