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
import functools
import itertools
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..collector import collector_paused
from ..errors import Issue, PluginError, ValidationError
from ..i18n import Message, t
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
    for (compiled, criterion, ranking), verdict in zip(evaluator._explainers, assessment.verdicts):
        if verdict.reason is None:
            reason, advice = criterion.explain(verdict, ctx, lang)
        else:
            reason, advice = _own_sentences(verdict, lang)
        found.append((compiled, verdict, reason, None if ranking and not eligible else advice))
    return found


def _own_sentences(verdict: Verdict, lang: str) -> tuple[str, str | None]:
    """The reason and advice a verdict wrote itself."""
    return text_of(verdict.reason, lang), text_of(verdict.advice, lang) if verdict.advice is not None else None


def _explained_columns(evaluator: Evaluator, ordered: Sequence[Assessment], ranked: int,
                       lang: str) -> list[list[tuple[CompiledCriterion, Verdict, str, str | None]]]:
    """Per criterion, for each of ``ordered`` (usually: ``ranked`` eligible ones, then ineligible
    ones): (criterion, verdict, reason, advice), as :func:`_reasons` gives them one at a time.

    A verdict shared by many applications (criteria may share one between applications whose
    facts are the same) is explained once, and its line is shared too.
    """
    ctx = evaluator.ctx
    flags = [a.eligible for a in ordered]
    split = flags == [True] * ranked + [False] * (len(ordered) - ranked)  # the eligible ones first, as rank() gives
    columns = []
    for (compiled, criterion, ranking), verdicts in zip(evaluator._explainers, zip(*[a.verdicts for a in ordered])):
        ids = list(map(id, verdicts))
        distinct = list(dict(zip(ids, verdicts)).values())
        pending = [v for v in distinct if v.reason is None]  # the others wrote their own sentences
        texts = criterion.explain_all(pending, ctx, lang) if pending else []
        if len(texts) != len(pending):
            raise PluginError(f"criterion {compiled.config.criterion!r}: explain_all gave {len(texts)} explanations "
                              f"for {len(pending)} verdicts")
        if len(pending) != len(distinct):
            written = iter(texts)
            texts = [next(written) if v.reason is None else _own_sentences(v, lang) for v in distinct]
        if len(distinct) == len(verdicts) and (not ranking or split):  # every application its own verdict
            column = [(compiled, v, reason, advice) for v, (reason, advice) in zip(verdicts, texts)]
            if ranking:  # no ranking advice to an application that is not ranked
                column[ranked:] = [(c, v, reason, None) for c, v, reason, _ in column[ranked:]]
            columns.append(column)
            continue
        lines = {id(v): (compiled, v, reason, advice) for v, (reason, advice) in zip(distinct, texts)}
        if not ranking:
            columns.append(list(map(lines.__getitem__, ids)))
            continue
        # no ranking advice to an application that is not ranked
        unranked = {key: (line[:3] + (None,) if line[3] is not None else line) for key, line in lines.items()}
        if split:
            columns.append([*map(lines.__getitem__, ids[:ranked]), *map(unranked.__getitem__, ids[ranked:])])
        else:
            columns.append([(lines if ok else unranked)[key] for ok, key in zip(flags, ids)])
    return columns


@attrs.frozen
class Ranking:
    """Applications judged and ordered: ``ranked`` (eligible, best first), then ``ineligible``."""

    ranked: tuple[Assessment, ...]
    ineligible: tuple[Assessment, ...]

    _ranks: dict[str, int] | None = attrs.field(init=False, default=None, eq=False, repr=False)

    def rank_of(self, application_id: str) -> int | None:
        """1 for the best eligible application; ``None`` when it is not eligible."""
        if self._ranks is None:  # made when first asked: a full report reads the ranks in order instead
            ranks = {a.application.id: rank for rank, a in enumerate(self.ranked, start=1)}
            object.__setattr__(self, "_ranks", ranks)
            return ranks.get(application_id)
        return self._ranks.get(application_id)

    def explained(self, lang: str = "fr") -> list[tuple[Assessment, int | None, list[tuple[CompiledCriterion, Verdict, str, str | None]]]]:
        """Every application — the ranked ones best first, then the others — with its rank and
        each criterion's verdict, reason and advice in ``lang`` (as :meth:`Assessment.reasons`).

        What a full report reads, written criterion by criterion for all the applications at
        once (:meth:`Criterion.explain_all <actionplan.grants.criteria.Criterion.explain_all>`).
        """
        ordered = self.ranked + self.ineligible
        if not ordered:
            return []
        numbers = itertools.chain(range(1, len(self.ranked) + 1), itertools.repeat(None, len(self.ineligible)))
        evaluators = {a._evaluator for a in ordered}
        if len(evaluators) > 1:  # assessments of several evaluators: each explained by its own
            return [(a, rank, _reasons(a._evaluator, a, lang)) for a, rank in zip(ordered, numbers)]
        [evaluator] = evaluators
        with collector_paused():
            columns = _explained_columns(evaluator, ordered, len(self.ranked), lang)
            rows = map(list, zip(*columns)) if columns else ([] for _ in ordered)
            return list(zip(ordered, numbers, rows))

    def __iter__(self) -> Iterator[Assessment]:
        yield from self.ranked
        yield from self.ineligible

    def __len__(self) -> int:
        return len(self.ranked) + len(self.ineligible)


def _undefined(parameter: Parameter, day: dt.date) -> Verdict:
    """The verdict of a criterion whose parameter has no value on ``day`` (not yet, or no more): it cannot pass, and says why."""
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
    return verdict


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
        #: per criterion: the compiled criterion, the criterion and whether it ranks (what reasons read)
        self._explainers = tuple((c, c.criterion, c.role == "ranking") for c in compiled)

    def parameters(self, compiled: CompiledCriterion, call: str | None = None) -> dict[str, Parameter]:
        """The criterion's parameters for applications to ``call``: the program's, with the call's overrides."""
        own = self.overrides.get(call, {}).get(compiled.key) if call is not None else None
        return {**compiled.params, **own} if own else compiled.params

    def _bind(self, key: Any, day: dt.date, call: str | None) -> tuple[tuple, Binding]:
        """Each criterion with its parameters in force on ``day``, prepared once for the whole segment:
        (the criterion, or the verdict of a parameter not defined that day, and what it prepared)."""
        bound: list[tuple[Criterion | Verdict, Any]] = []
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
            bound.append((compiled.criterion, compiled.criterion.prepare(values, self.ctx)))
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
        """Judge one application with the parameters in force at its deposit date (and its call's).

        One criterion call each (:meth:`Criterion.evaluate <actionplan.grants.criteria.Criterion.evaluate>`);
        :meth:`assess_all` judges many at a time and gives the same assessments.
        """
        day, key, call = self._segment(application)
        bound, binding = self._bound.get(key) or self._bind(key, day, call)
        ctx = self.ctx
        verdicts = tuple([on if type(on) is Verdict else on.evaluate(application, prepared, ctx)  # type: ignore[union-attr]
                          for on, prepared in bound])
        eligible = all(verdicts[index].passed for index in self._eligibility)
        return Assessment(application, verdicts, eligible, day, self, binding)

    def _segment(self, application: Application) -> tuple[dt.date, Any, str | None]:
        """The day whose parameters apply, the key of the binding in force then, the call whose overrides apply."""
        day = application.deposited or self.default_day
        key: Any = bisect.bisect_right(self._breaks, day)
        call = application.call if self.overrides else None
        if call is not None and call in self.overrides:
            return day, (call, key), call
        return day, key, None

    def _judged(self, applications: Sequence[Application]) -> list[tuple[Sequence[int], list[Assessment]]]:
        """The applications in groups judged with the same parameters: each group's places in
        ``applications`` and its assessments; every criterion judges a whole group at once (``evaluate_all``)."""
        default_day, overrides = self.default_day, self.overrides
        days = [application.deposited or default_day for application in applications]
        keys: list[Any] = list(map(functools.partial(bisect.bisect_right, self._breaks), days))
        if overrides:  # applications to a call that overrides parameters: a group of their own
            calls = [application.call for application in applications]
            keys = [(call, key) if call in overrides else key for call, key in zip(calls, keys)]
        groups: dict[Any, Sequence[int]] = {}
        if len(set(keys)) == 1:
            groups[keys[0]] = range(len(applications))
        else:
            lists: dict[Any, list[int]] = {}
            for place, key in enumerate(keys):
                places = lists.get(key)
                if places is None:
                    places = lists[key] = []
                places.append(place)
            groups.update(lists)
        found: list[tuple[Sequence[int], list[Assessment]]] = []
        ctx, eligibility = self.ctx, self._eligibility
        for key, group in groups.items():
            if isinstance(group, range):
                members, group_days = applications, days
            else:
                members, group_days = [applications[i] for i in group], [days[i] for i in group]
            bound, binding = self._bound.get(key) or self._bind(key, group_days[0], key[0] if type(key) is tuple else None)
            columns = []
            for compiled, (on, prepared) in zip(self.criteria, bound):
                if type(on) is Verdict:  # a parameter not defined on these days: the same verdict for all
                    columns.append([on] * len(members))
                    continue
                column = on.evaluate_all(members, prepared, ctx)  # type: ignore[union-attr]
                if len(column) != len(members):
                    raise PluginError(f"criterion {compiled.config.criterion!r}: evaluate_all gave {len(column)} "
                                      f"verdicts for {len(members)} applications")
                columns.append(column)
            rows = zip(*columns) if columns else itertools.repeat(())
            flags: Iterable[bool]
            if not eligibility:
                flags = itertools.repeat(True)
            else:
                flags = [v.passed for v in columns[eligibility[0]]]
                for index in eligibility[1:]:
                    flags = [ok and v.passed for ok, v in zip(flags, columns[index])]
            found.append((group, list(map(Assessment, members, rows, flags, group_days, itertools.repeat(self),
                                           itertools.repeat(binding)))))
        return found

    def assess_all(self, applications: Iterable[Application]) -> list[Assessment]:
        """Judge many applications, each with the parameters in force at its deposit date (and its call's):
        the same assessments as :meth:`assess` of each, in the same order."""
        applications = applications if isinstance(applications, list | tuple) else list(applications)
        if not applications:
            return []
        with collector_paused():
            groups = self._judged(applications)
            if len(groups) == 1:
                return groups[0][1]
            found: list[Any] = [None] * len(applications)
            for places, assessments in groups:
                for place, assessment in zip(places, assessments):
                    found[place] = assessment
            return found

    def _sort_keys(self, eligible: Sequence[Assessment]) -> list[tuple]:
        """Per ranking criterion: scored first (higher first), else passed first; then deposit, then id."""
        parts: list[Iterable[Any]] = []
        for index in self._ranking:
            verdicts = [a.verdicts[index] for a in eligible]
            parts.append([0 if v.score is not None else 1 for v in verdicts])
            parts.append([-v.score if v.score is not None else (0 if v.passed else 1) for v in verdicts])
        parts.append([a.day for a in eligible])
        parts.append([a.application.id for a in eligible])
        return list(zip(*parts))

    def rank(self, applications: Iterable[Application]) -> Ranking:
        """Judge every application and order the eligible ones."""
        with collector_paused():
            judged = self.assess_all(applications)
            eligible = [a for a in judged if a.eligible]
            ineligible = [a for a in judged if not a.eligible]
            keys = self._sort_keys(eligible)
            order = sorted(range(len(eligible)), key=keys.__getitem__)
            return Ranking(tuple([eligible[i] for i in order]), tuple(ineligible))


def ranking_explanation(evaluator: Evaluator, lang: str = "fr") -> str:
    """One sentence saying how the ranking is made, from the program's ranking criteria."""
    names = [c.title(lang) for c in evaluator.criteria if c.role == "ranking"]
    order = t("grants.ranking.then", lang).join(names + [t("grants.ranking.earlier_deposit", lang)])
    return t("grants.ranking.rule", lang, order=order)


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
