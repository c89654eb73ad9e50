"""Eligibility and ranking of applications against a program's criteria, many at a time.

The :class:`Evaluator` does the slow work once: it looks the criteria up, parses their
parameters (every problem reported with its path), builds the program's context (the
set of municipalities of its territory, its priorities) and, for each period during
which the parameters do not change, asks each criterion to ``prepare`` once. Judging
an application is then a date lookup and one call per criterion; reasons are written
only when read (:meth:`Assessment.explain`).

Ranking: eligible applications first; among them, each ranking criterion in the order
the program lists them (a higher ``score`` first, else those that pass first); then
the earlier deposit, then the application id, so the order is total and stable.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import attrs

from ..collector import collector_paused
from ..errors import Issue, ValidationError
from ..i18n import Message
from .criteria import (
    Criterion,
    DatedValue,
    Parameter,
    ProgramContext,
    Values,
    Verdict,
    _prefixed,
    call_overrides,
    criteria_registry,
    get_criterion,
    parse_params,
    refuse,
    text_of,
)
from ..model.grants import Application, CriterionConfig, GrantProgram


@attrs.frozen
class CompiledCriterion:
    """A criterion of the program, looked up and with its parameters parsed."""

    index: int
    config: CriterionConfig
    criterion: Criterion
    params: dict[str, Parameter] = attrs.field(eq=False)
    role: str

    @property
    def key(self) -> str:
        return self.config.key

    def title(self, lang: str = "fr") -> str:
        """The program's own label (written in French) in French; the criterion's title in English."""
        own = text_of(self.criterion.title, lang)
        if lang == "fr":
            return self.config.label or own or self.config.criterion
        return own or self.config.label or self.config.criterion


class Binding:
    """The parameters a set of applications is judged with: for each criterion, each parameter's
    dated value in force (the program's own :class:`DatedValue`, or a call's; shared, not copied).

    One binding serves every application deposited while the same values are in force (and,
    when a call overrides parameters, made to that call): recording it costs one reference.
    """

    __slots__ = ("call", "entries")

    def __init__(self, call: str | None, entries: tuple[dict[str, DatedValue | None], ...]):
        self.call = call  # the call whose overrides apply, else ``None``
        self.entries = entries


class Assessment:
    """One application judged: a verdict per criterion (in the program's order), eligible or not.

    ``binding`` records the parameter values each verdict read (see :func:`actionplan.grants.trace.trace`).
    """

    __slots__ = ("_evaluator", "application", "binding", "day", "eligible", "verdicts")

    def __init__(self, application: Application, verdicts: tuple[Verdict, ...], eligible: bool, day: dt.date,
                 evaluator: Evaluator, binding: Binding | None = None):
        self.application = application
        self.verdicts = verdicts
        self.eligible = eligible
        self.day = day  # the date whose parameters applied (the deposit date)
        self._evaluator = evaluator
        self.binding = binding

    @property
    def evaluator(self) -> Evaluator:
        """The evaluator that judged it (its criteria, in the order of the verdicts, and the program's context)."""
        return self._evaluator

    def __repr__(self) -> str:
        return f"Assessment({self.application.id!r}, eligible={self.eligible})"

    def results(self) -> Iterator[tuple[CompiledCriterion, Verdict]]:
        return zip(self._evaluator.criteria, self.verdicts)

    def verdict(self, key: str) -> Verdict:
        """The verdict of the criterion whose id (or name) is ``key``."""
        for compiled, verdict in self.results():
            if compiled.key == key:
                return verdict
        raise KeyError(key)

    def explain(self, key_or_index: str | int, lang: str = "fr") -> tuple[str, str | None]:
        """(reason, advice) of one criterion, in ``lang``.

        Advice is ``None`` when the criterion passed, and for a ranking criterion of an
        application that is not eligible: it is not ranked, so how to rank higher does not apply.
        """
        index = key_or_index if isinstance(key_or_index, int) else [c.key for c in self._evaluator.criteria].index(key_or_index)
        return _reasons(self._evaluator, self, lang)[index][2:]

    def reasons(self, lang: str = "fr") -> list[tuple[CompiledCriterion, Verdict, str, str | None]]:
        """Every criterion with its verdict, reason and advice (as :meth:`explain` gives them), in ``lang``."""
        return _reasons(self._evaluator, self, lang)

    def failed(self) -> list[CompiledCriterion]:
        """The eligibility criteria this application fails."""
        return [c for c, v in self.results() if c.role == "eligibility" and not v.passed]


def _reasons(evaluator: Evaluator, assessment: Assessment,
             lang: str) -> list[tuple[CompiledCriterion, Verdict, str, str | None]]:
    """Each criterion with its verdict, reason and advice in ``lang``; no ranking advice to an
    application that is not eligible (it is not ranked, so how to rank higher does not apply)."""
    ctx, eligible = evaluator.ctx, assessment.eligible
    found = []
    for (compiled, explain, ranking), verdict in zip(evaluator._explainers, assessment.verdicts):
        if verdict.reason is None:
            reason, advice = explain(verdict, ctx, lang)
        else:
            reason = text_of(verdict.reason, lang)
            advice = text_of(verdict.advice, lang) if verdict.advice is not None else None
        found.append((compiled, verdict, reason, None if ranking and not eligible else advice))
    return found


@attrs.frozen
class Ranking:
    """Applications judged and ordered: ``ranked`` (eligible, best first), then ``ineligible``."""

    ranked: tuple[Assessment, ...]
    ineligible: tuple[Assessment, ...]

    _ranks: dict[str, int] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        ranks = {a.application.id: rank for rank, a in enumerate(self.ranked, start=1)}
        object.__setattr__(self, "_ranks", ranks)

    def rank_of(self, application_id: str) -> int | None:
        """1 for the best eligible application; ``None`` when it is not eligible."""
        return self._ranks.get(application_id)

    def explained(self, lang: str = "fr") -> list[tuple[Assessment, int | None, list[tuple[CompiledCriterion, Verdict, str, str | None]]]]:
        """Every application — the ranked ones best first, then the others — with its rank and
        each criterion's verdict, reason and advice in ``lang`` (as :meth:`Assessment.reasons`).

        What a full report reads, written in one go with the garbage collector paused: its
        scans of the many assessments alive would cost more than the sentences.
        """
        found: list = []
        with collector_paused():
            for rank, group in ((True, self.ranked), (False, self.ineligible)):
                for number, assessment in enumerate(group, start=1):
                    found.append((assessment, number if rank else None, _reasons(assessment._evaluator, assessment, lang)))
        return found

    def __iter__(self) -> Iterator[Assessment]:
        yield from self.ranked
        yield from self.ineligible

    def __len__(self) -> int:
        return len(self.ranked) + len(self.ineligible)


def _undefined(parameter: Parameter, day: dt.date):
    """A criterion whose parameter has no value on ``day`` (not yet, or no more): it cannot pass, and says why."""
    name, since = parameter.name, parameter.defined_from()
    if since is not None and day < since:
        verdict = Verdict(False, {"undefined_parameter": name, "defined_from": since, "date": day},
                          Message("grants.criterion.undefined_parameter", name=name, since=since, day=day),
                          Message("grants.criterion.undefined_parameter.advice", name=name, day=day))
    else:
        until = max(v.end for v in parameter.values if v.end is not None and v.end < day)
        verdict = Verdict(False, {"undefined_parameter": name, "defined_until": until, "date": day},
                          Message("grants.criterion.parameter_ended", name=name, until=until, day=day),
                          Message("grants.criterion.parameter_ended.advice", name=name, day=day))
    return lambda application, prepared, ctx: verdict


class Evaluator:
    """Judges and ranks applications to one program; build it once, use it for many."""

    def __init__(self, program: GrantProgram, plan=None, gazetteer=None, *, registry=None,
                 default_day: dt.date | None = None):
        self.program = program
        self.ctx = ProgramContext(program, plan, gazetteer)
        self.default_day = default_day or dt.date.today()
        installed = registry if registry is not None else criteria_registry()
        issues: list[Issue] = []
        compiled: list[CompiledCriterion] = []
        parsed: dict[str, tuple[Criterion, dict[str, Parameter]]] = {}
        seen: set[str] = set()
        for i, config in enumerate(program.criteria):
            where = f"program.criteria[{i}]"
            if config.key in seen:
                issues.append(Issue(f"{where}.id", Message("criteria.id_used_twice"), found=repr(config.key)))
            seen.add(config.key)
            criterion = get_criterion(config.criterion, installed)
            if criterion is None:
                known = ", ".join(installed.names()) or "-"
                raise refuse(Message("grants.criterion.not_installed", where=where, criterion=repr(config.criterion),
                                     known=known))
            params, found = parse_params(config, criterion, f"{where}.params")
            if not found:
                found = _prefixed(criterion.check(params, self.ctx), f"{where}.params")
            issues.extend(issue for issue in found if issue.severity == "error")
            compiled.append(CompiledCriterion(i, config, criterion, params, config.role or criterion.role))
            if not found:
                parsed.setdefault(config.key, (criterion, params))
        overrides, found = call_overrides(program, parsed, self.ctx, known=[c.key for c in program.criteria])
        issues.extend(issue for issue in found if issue.severity == "error")
        if issues:
            raise ValidationError(issues, f"program {program.id}")
        self.criteria: tuple[CompiledCriterion, ...] = tuple(compiled)
        #: call id → criterion id → the parameters the call sets for its applications
        self.overrides: dict[str, dict[str, dict[str, Parameter]]] = overrides
        self._eligibility = tuple(c.index for c in compiled if c.role == "eligibility")
        self._ranking = tuple(c.index for c in compiled if c.role == "ranking")
        timelines = [p for c in compiled for p in c.params.values()]
        timelines += [p for by_key in overrides.values() for params in by_key.values() for p in params.values()]
        self._breaks = sorted({d for p in timelines for d in p.change_dates})
        self._bound: dict[Any, tuple[tuple, Binding]] = {}
        #: per criterion: the compiled criterion, its ``explain`` and whether it ranks (what reasons read)
        self._explainers = tuple((c, c.criterion.explain, c.role == "ranking") for c in compiled)

    def parameters(self, compiled: CompiledCriterion, call: str | None = None) -> dict[str, Parameter]:
        """The criterion's parameters for applications to ``call``: the program's, with the call's overrides."""
        own = self.overrides.get(call, {}).get(compiled.key) if call is not None else None
        return {**compiled.params, **own} if own else compiled.params

    def _bind(self, key: Any, day: dt.date, call: str | None) -> tuple[tuple, Binding]:
        """Each criterion with its parameters in force on ``day``, prepared once for the whole segment."""
        bound = []
        entries = []
        for compiled in self.criteria:
            params = self.parameters(compiled, call)
            used = {name: p.entry_at(day) for name, p in params.items()}
            entries.append(used)
            missing = next((name for name, entry in used.items() if entry is None), None)
            if missing is not None:
                bound.append((_undefined(params[missing], day), None))
                continue
            values = Values({name: entry.value for name, entry in used.items() if entry is not None})
            bound.append((compiled.criterion.evaluate, compiled.criterion.prepare(values, self.ctx)))
        self._bound[key] = result = (tuple(bound), Binding(call, tuple(entries)))
        return result

    def values_at(self, day: dt.date, call: str | None = None) -> list[Values]:
        """The parameter values in force on ``day`` (for applications to ``call``), per criterion (for reports)."""
        found = []
        for compiled in self.criteria:
            try:
                found.append(Values({name: p.at(day) for name, p in self.parameters(compiled, call).items()}))
            except LookupError:
                found.append(Values())
        return found

    def assess(self, application: Application) -> Assessment:
        """Judge one application with the parameters in force at its deposit date (and its call's)."""
        return self.assess_all((application,))[0]

    def _sort_key(self, assessment: Assessment) -> tuple:
        """Per ranking criterion: scored first (higher first), else passed first; then deposit, then id."""
        verdicts = assessment.verdicts
        key: list[Any] = []
        for index in self._ranking:
            verdict = verdicts[index]
            if verdict.score is not None:
                key += (0, -verdict.score)
            else:
                key += (1, 0 if verdict.passed else 1)
        key += (assessment.day, assessment.application.id)
        return tuple(key)

    def assess_all(self, applications: Iterable[Application]) -> list[Assessment]:
        """Judge many applications, each with the parameters in force at its deposit date (and its call's)."""
        default_day, breaks, cache, overrides = self.default_day, self._breaks, self._bound, self.overrides
        ctx, eligibility, bisect_right = self.ctx, self._eligibility, bisect.bisect_right
        found = []
        with collector_paused():
            for application in applications:
                day = application.deposited or default_day
                key: Any = bisect_right(breaks, day)
                call = application.call if overrides else None
                if call is not None and call in overrides:
                    key = (call, key)
                else:
                    call = None
                bound_now = cache.get(key)
                if bound_now is None:
                    bound_now = self._bind(key, day, call)
                bound, binding = bound_now
                verdicts = tuple([evaluate(application, prepared, ctx) for evaluate, prepared in bound])
                eligible = True
                for index in eligibility:
                    if not verdicts[index].passed:
                        eligible = False
                        break
                found.append(Assessment(application, verdicts, eligible, day, self, binding))
        return found

    def rank(self, applications: Iterable[Application]) -> Ranking:
        """Judge every application and order the eligible ones."""
        with collector_paused():
            eligible: list[Assessment] = []
            ineligible: list[Assessment] = []
            for assessment in self.assess_all(applications):
                (eligible if assessment.eligible else ineligible).append(assessment)
            eligible.sort(key=self._sort_key)
            return Ranking(tuple(eligible), tuple(ineligible))


def ranking_explanation(evaluator: Evaluator, lang: str = "fr") -> str:
    """One sentence saying how the ranking is made, from the program's ranking criteria."""
    names = [c.title(lang) for c in evaluator.criteria if c.role == "ranking"]
    if lang == "en":
        order = "; then ".join(names + ["earlier deposit"])
        return f"Eligible applications first, ordered by: {order}."
    order = "; puis ".join(names + ["dépôt le plus tôt"])
    return f"Les demandes admissibles d'abord, classées selon : {order}."


def as_data(ranking: Ranking, lang: str = "fr") -> list[dict[str, Any]]:
    """Plain data of a ranking (for JSON): rank, eligibility, and per criterion verdict, facts, reasons."""
    rows = []
    for assessment in ranking:
        rank = ranking.rank_of(assessment.application.id) if assessment.eligible else None
        criteria = []
        for compiled, verdict, reason, advice in assessment.reasons(lang):
            criteria.append({
                "criterion": compiled.key,
                "name": compiled.config.criterion,
                "role": compiled.role,
                "passed": verdict.passed,
                "score": _plain(verdict.score),
                "facts": {k: _plain(v) for k, v in verdict.facts.items()},
                "reason": reason,
                "advice": advice,
            })
        rows.append({
            "application": assessment.application.id,
            "title": assessment.application.title,
            "lead": assessment.application.lead,
            "deposited": assessment.day.isoformat(),
            "eligible": assessment.eligible,
            "rank": rank,
            "criteria": criteria,
        })
    return rows


def _plain(value: Any) -> Any:
    """Facts as JSON-friendly data: Decimals as text (no float), dates ISO, sets sorted."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if attrs.has(type(value)):  # a partner (Participation) and the like
        return {name: _plain(item) for name, item in attrs.asdict(value, recurse=False).items()}
    return value
