"""The criterion contract: what a plugin registers, what it returns, and dated parameters.

A criterion (a :class:`Criterion` subclass) has a ``name`` that program files refer to,
a default ``role`` (``eligibility`` or ``ranking``), declared ``parameters``
(:class:`Param`), and an ``evaluate`` returning a :class:`Verdict`: passed or not,
machine-readable ``facts``, a reason in French and English and, when it fails, what
would make it pass (``advice``), in both languages too.

Parameters are data in the program file and may change from a date on, like
OpenFisca's parameters::

    minimum: {values: [{from: 2019-07-01, value: 5}, {from: 2021-04-01, value: 4}]}

Each application is judged with the values in force at its deposit date. Values are
resolved once per date (not per application) and handed to :meth:`Criterion.prepare`,
whose result ``evaluate`` receives, so precomputation happens once.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from decimal import Decimal
import warnings
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

import attrs

from ..checks import plan_gazetteer
from ..convert import structure
from ..errors import GrantRefusal, Issue, PluginError, ValidationError
from ..i18n import N_, Message, Verbatim, as_message, current_language
from ..model.base import NUMBER_EXPECTED, is_reasonable_number
from ..model.grants import CRITERION_ROLES
from ..plugins import collect, registry
from ..territories import default_gazetteer

if TYPE_CHECKING:  # pragma: no cover
    from ..model.plan import ActionPlan, Theme
    from ..model.territory import Gazetteer
    from ..model.grants import Application, CriterionConfig, GrantProgram


class _Bilingual(Verbatim):
    """A French and an English text held side by side: the body of the deprecated shims
    (:class:`Text` and ``refuse(fr, en)``), removed with them in the next release."""

    __slots__ = ()

    def __init__(self, fr: str, en: str, /):
        Message.__init__(self, "", fr=fr, en=en)

    @property
    def fr(self) -> str:
        return str(self.values["fr"])

    @property
    def en(self) -> str:
        return str(self.values["en"])

    def get(self, lang: str = "fr") -> str:
        return self.render(lang)

    def render(self, lang: str | None = None) -> str:
        return self.en if current_language(lang) == "en" else self.fr

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.fr!r}, {self.en!r})"


class Text(_Bilingual):
    """Deprecated: a text in French and English only; give a :class:`~actionplan.i18n.Message` instead.

    A :class:`~actionplan.i18n.Message` names a code of a gettext catalogue (the core's or
    the plugin's own, ``docs/i18n.md``) and so speaks every language a catalogue is written
    in. ``Text(fr, en)`` still works (``text.fr``, ``text.en``, ``text.get(lang)``,
    ``text.render(lang)``) and is removed in the next release.
    """

    __slots__ = ()

    def __init__(self, fr: str, en: str, /):
        warnings.warn("actionplan.api.Text is deprecated: give a catalogue Message (actionplan.api.Message) "
                      "instead; Text is removed in the next release", DeprecationWarning, stacklevel=2)
        super().__init__(fr, en)


def text_of(value: Message | str | None, lang: str | None = None) -> str:
    """A criterion's title, description, reason or advice in ``lang`` (a message, or a plain text)."""
    if value is None:
        return ""
    return value.render(lang) if isinstance(value, Message) else str(value)


def plural(n: int | Decimal, singular: str, many: str, lang: str) -> str:
    """Deprecated: ``n`` and a word agreed in French or English only; give a ``Plural`` code (or ``tn``) instead.

    French puts 0 and 1 in the singular, English only 1::

        plural(0, "organisme", "organismes", "fr")        # '0 organisme'
        plural(0, "organisation", "organisations", "en")  # '0 organisations'

    A :class:`~actionplan.i18n.Plural` code of a catalogue agrees in every language the
    catalogue is written in (``msgstr[0]``, ``msgstr[1]``…); ``plural`` is removed in the next release.
    """
    warnings.warn("actionplan.api.plural is deprecated: give a catalogue Plural(code, count) or tn(code, count, lang) "
                  "instead; plural is removed in the next release", DeprecationWarning, stacklevel=2)
    one = n <= 1 if lang == "fr" else n == 1
    return f"{n} {singular if one else many}"


def refuse(message: Message | str, en: str | None = None, /) -> GrantRefusal:
    """The error to raise for an illegal operation: ``refuse(Message("myplugin.code", …))``.

    ``refuse(fr, en)`` (a French and an English text) is the older form, deprecated: it
    speaks two languages only.
    """
    if en is None:
        return GrantRefusal(as_message(message))
    warnings.warn("refuse(fr, en) is deprecated: give a catalogue Message (refuse(Message(code, **params))); "
                  "the two-text form is removed in the next release", DeprecationWarning, stacklevel=2)
    return GrantRefusal(_Bilingual(str(message), en))


class Verdict(NamedTuple):
    """What a criterion says about one application.

    ``facts`` are machine-readable (counts, ids, the parameters used). ``reason`` and
    ``advice`` are :class:`~actionplan.i18n.Message` (catalogue codes); a criterion may leave them ``None`` and write them in
    :meth:`Criterion.explain` from the facts instead, so that judging 100 000
    applications does not format 100 000 sentences nobody reads. ``score`` orders
    applications under a ranking criterion (higher first); without one, a ranking
    criterion puts applications that pass before those that do not.
    """

    passed: bool
    facts: Mapping[str, Any]
    reason: Message | None = None
    advice: Message | None = None
    score: Decimal | None = None


class Sentences:
    """A bounded memo of explanations, for criteria whose sentences depend on a few facts.

    Many applications share the same counts (« 2 organismes… (minimum 2) »): keyed by
    those facts and the language, each sentence is written once. Optional; a speed aid.
    """

    def __init__(self, limit: int = 4096):
        self._memo: dict[Any, tuple[str, str | None]] = {}
        self.limit = limit

    def get(self, key: Any) -> tuple[str, str | None] | None:
        return self._memo.get(key)

    def put(self, key: Any, sentences: tuple[str, str | None]) -> tuple[str, str | None]:
        if len(self._memo) >= self.limit:
            self._memo.clear()
        self._memo[key] = sentences
        return sentences


REQUIRED: Any = attrs.make_class("Required", {}, repr=False)()


@attrs.frozen
class Param:
    """A declared parameter: its type (structured by the one converter), default, lower bound.

    ``type`` is anything :func:`actionplan.convert.structure` accepts: ``int``,
    ``Decimal``, ``str``, ``tuple[str, ...]``, an attrs class or a tuple of them.
    ``dated=False`` refuses the dated form (``{values: [...]}``).
    """

    type: Any
    default: Any = REQUIRED
    minimum: Any = None
    dated: bool = True
    description: Message | None = None

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


@attrs.frozen
class DatedValue:
    """A parameter value in force from ``start`` (``None``: from always) until ``end`` (inclusive) or the next one.

    ``source`` is where the value is written (``program.criteria[1].params.minimum.values[0]``,
    ``program.calls[1].params.municipalities_in_territory.minimum``): what an explained
    decision points to.
    """

    start: dt.date | None
    value: Any
    end: dt.date | None = None
    source: str | None = attrs.field(default=None, eq=False)


@attrs.frozen
class Parameter:
    """A parameter's values over time, oldest first."""

    name: str
    values: tuple[DatedValue, ...]

    @property
    def change_dates(self) -> tuple[dt.date, ...]:
        """The days on which the value in force changes (a start, or the day after an end)."""
        days = [v.start for v in self.values if v.start is not None]
        days += [v.end + dt.timedelta(days=1) for v in self.values if v.end is not None and v.end < dt.date.max]
        return tuple(sorted(set(days)))

    def defined_from(self) -> dt.date | None:
        return self.values[0].start

    def entry_at(self, day: dt.date) -> DatedValue | None:
        """The dated value in force on ``day``; ``None`` before the first date or after an ``until``."""
        starts = [v.start or dt.date.min for v in self.values]
        index = bisect.bisect_right(starts, day) - 1
        if index < 0:
            return None
        entry = self.values[index]
        return None if entry.end is not None and day > entry.end else entry

    def at(self, day: dt.date) -> Any:
        """The value in force on ``day``; ``LookupError`` before the first date or after an ``until``."""
        entry = self.entry_at(day)
        if entry is None:
            raise LookupError(f"parameter {self.name!r} is not defined on {day}")
        return entry.value


class Values(dict):
    """Parameter values in force at one date: ``values.minimum`` or ``values["minimum"]``.

    Attribute access is plain attribute access (the mapping is its own ``__dict__``), as
    fast as it can be in a criterion called for every application.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.__dict__ = self

    def __getattr__(self, name: str) -> Any:
        # Only reached for a name that is not a parameter (parameters are in ``__dict__``);
        # it also tells type checkers that ``values.minimum`` is a parameter's value.
        raise AttributeError(f"no parameter {name!r} in {sorted(self)}")


class ProgramContext:
    """What criteria may read about the program, computed once: territory, priorities, places.

    ``territory_municipalities`` holds every municipality of the program's territory
    (an MRC reaches all of its municipalities); :meth:`reach` tells, for the
    territories an application names, which municipalities it reaches inside the
    territory and how many outside, memoised per territory id.
    """

    def __init__(self, program: GrantProgram, plan: ActionPlan | None = None, gazetteer: Gazetteer | None = None):
        self.program = program
        self.plan = plan
        if gazetteer is None:
            gazetteer = plan_gazetteer(plan) if plan is not None else _default_gazetteer()
        elif plan is not None and plan.custom_territories:
            gazetteer = gazetteer.extended(plan.custom_territories)
        self.gazetteer: Gazetteer = gazetteer
        self.territories: tuple[str, ...] = program.territories or (plan.territories if plan else ())
        self.territory_municipalities: frozenset[str] = gazetteer.municipalities_reached(self.territories)
        themes = {t.id: t for t in plan.themes} if plan is not None else {}
        if program.priorities:
            self.priorities: dict[str, Theme | None] = {p: themes.get(p) for p in program.priorities}
        else:
            self.priorities = {t.id: t for t in plan.themes if t.kind == "priorite"} if plan else {}
        self.priority_ids: frozenset[str] = frozenset(self.priorities)
        self._reach: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        self._territory_name: str | None = None

    def territory_name(self) -> str:
        """The territory's name(s) as people write them: « Les Maskoutains »."""
        if self._territory_name is None:
            names = [self.gazetteer[t].name if t in self.gazetteer else t for t in self.territories]
            self._territory_name = ", ".join(names)
        return self._territory_name

    def priority_title(self, priority_id: str) -> str:
        theme = self.priorities.get(priority_id)
        return theme.title if theme is not None else priority_id

    def _reach_one(self, territory_id: str) -> tuple[frozenset[str], frozenset[str]]:
        found = self._reach.get(territory_id)
        if found is None:
            reached = self.gazetteer.municipalities_reached((territory_id,))
            found = (reached & self.territory_municipalities, reached - self.territory_municipalities)
            self._reach[territory_id] = found
        return found

    def reach(self, territory_ids: Sequence[str]) -> tuple[AbstractSet[str], AbstractSet[str]]:
        """Municipalities reached inside the program's territory, and those reached outside it.

        The sets returned may be shared with other calls: read them, do not modify them.
        """
        if len(territory_ids) == 1:
            return self._reach_one(territory_ids[0])
        inside: set[str] = set()
        outside: set[str] = set()
        cache = self._reach
        for territory_id in territory_ids:
            found = cache.get(territory_id) or self._reach_one(territory_id)
            inside |= found[0]
            outside |= found[1]
        return inside, outside


def _default_gazetteer():
    return default_gazetteer()


class Criterion:
    """Base class of every criterion. Subclass it, set the class attributes, write ``evaluate``.

    * ``name``: the id program files use (``criterion: min_priorities``);
    * ``role``: ``"eligibility"`` (default) or ``"ranking"``;
    * ``title``: a short :class:`~actionplan.i18n.Message` shown in reports (a code of the
      core's or the plugin's catalogue);
    * ``parameters``: name → :class:`Param`;
    * ``reads``: the fields of the application it reads (``("lead", "partners")``), shown
      by an explained decision (``actionplan grants explain``).

    ``check`` adds program-level checks of the parameters (weights summing to 100…);
    ``prepare`` turns the values in force at a date into whatever ``evaluate`` wants,
    once; ``explain`` writes the reason and advice from the facts when ``evaluate``
    left them out.
    """

    name: ClassVar[str] = ""
    role: ClassVar[str] = "eligibility"
    title: ClassVar[Message] = Verbatim("")
    parameters: ClassVar[Mapping[str, Param]] = {}
    reads: ClassVar[tuple[str, ...]] = ()

    def check(self, params: Mapping[str, Parameter], ctx: ProgramContext | None) -> Iterable[Issue]:
        """Issues about the parameters, paths relative to ``params`` (``"items"``, ``"items[1].weight"``)."""
        return ()

    def prepare(self, values: Values, ctx: ProgramContext) -> Any:
        """What :meth:`evaluate` receives for applications deposited while ``values`` are in force."""
        return values

    def evaluate(self, application: Application, prepared: Any, ctx: ProgramContext) -> Verdict:
        raise NotImplementedError(f"{type(self).__name__}.evaluate")

    def evaluate_all(self, applications: Sequence[Application], prepared: Any, ctx: ProgramContext) -> list[Verdict]:
        """The verdict of each of ``applications`` (all judged with the same ``prepared`` values), in order.

        The evaluator calls this once per set of parameters in force, with every application
        judged under it. The default calls :meth:`evaluate` for each; override it to judge
        them in one loop (and to share one verdict between applications whose facts are the
        same: verdicts and their facts are read, never modified). It must give what
        :meth:`evaluate` gives for each application, one verdict per application.
        """
        evaluate = self.evaluate
        return [evaluate(application, prepared, ctx) for application in applications]

    def recognise(self, sentence: str) -> Mapping[str, Any] | None:
        """The parameters of this criterion that a rule written in a source document states, or ``None``.

        ``actionplan import`` offers each sentence of a plan's complementary criteria
        (« le projet devra minimalement toucher un minimum de 5 municipalités ») to every
        installed criterion; the first to recognise it is configured with these parameters.
        The default recognises nothing.
        """
        return None

    def explain(self, verdict: Verdict, ctx: ProgramContext, lang: str = "fr") -> tuple[str, str | None]:
        """The reason, and what would make it pass (``None`` when it passed), in ``lang``.

        The default reads ``verdict.reason`` and ``verdict.advice``; override it to write
        them from ``verdict.facts`` only when someone reads them.
        """
        reason = text_of(verdict.reason, lang)
        advice = text_of(verdict.advice, lang) if verdict.advice is not None else None
        return reason, advice

    def explain_all(self, verdicts: Sequence[Verdict], ctx: ProgramContext, lang: str = "fr") -> list[tuple[str, str | None]]:
        """:meth:`explain` of each of ``verdicts``, in order: what a full report reads.

        The evaluator hands it the verdicts that left their ``reason`` to be written (the
        others' own texts are read). The default calls :meth:`explain` for each; override it
        to write many at a time (once per set of facts the sentences depend on, say). It must
        give what :meth:`explain` gives for each verdict, one (reason, advice) per verdict.
        """
        explain = self.explain
        return [explain(verdict, ctx, lang) for verdict in verdicts]


# -- the registry of installed criteria --------------------------------------------------------


def _criterion_name(item: Any) -> str:
    """Registry key, refusing a registration that cannot work, loudly and by class name."""
    criterion = item() if isinstance(item, type) else item
    kind = type(criterion).__name__
    name = getattr(criterion, "name", None)
    if not isinstance(name, str) or not name:
        raise PluginError(f"criterion {kind} has no name")
    if getattr(criterion, "role", None) not in CRITERION_ROLES:
        raise PluginError(f"criterion {name!r} ({kind}) has role {getattr(criterion, 'role', None)!r}; "
                          f"expected one of {', '.join(CRITERION_ROLES)}")
    if not callable(getattr(criterion, "evaluate", None)):
        raise PluginError(f"criterion {name!r} ({kind}) has no evaluate()")
    params = getattr(criterion, "parameters", {})
    if not isinstance(params, Mapping) or not all(isinstance(p, Param) for p in params.values()):
        raise PluginError(f"criterion {name!r} ({kind}): parameters must map names to Param objects")
    return name


def criteria_registry(pm=None):
    """Every installed criterion, by name (``actionplan_register_criteria``)."""
    if pm is not None:
        return collect("actionplan_register_criteria", "criterion", _criterion_name, pm)
    return registry("actionplan_register_criteria", "criterion", _criterion_name)


def get_criterion(name: str, registry=None) -> Criterion | None:
    """The installed criterion called ``name`` (an instance), or ``None``."""
    item = (registry if registry is not None else criteria_registry()).get(name)
    return item() if isinstance(item, type) else item


# -- parameters from program files ---------------------------------------------------------------


def parse_params(config: CriterionConfig, criterion: Criterion, path: str) -> tuple[dict[str, Parameter], list[Issue]]:
    """The criterion's parameters as timelines, or issues with paths (``path`` is the params' path)."""
    return _parse_params(config.params, criterion, path, complete=True)


def parse_overrides(given: Mapping[str, Any], criterion: Criterion, path: str) -> tuple[dict[str, Parameter], list[Issue]]:
    """The parameters a call for projects sets for one criterion (only those it names), or issues."""
    return _parse_params(given, criterion, path, complete=False)


def _parse_params(given: Mapping[str, Any], criterion: Criterion, path: str, *,
                  complete: bool) -> tuple[dict[str, Parameter], list[Issue]]:
    issues: list[Issue] = []
    params: dict[str, Parameter] = {}
    declared = criterion.parameters
    for key in given:
        if key not in declared:
            close = difflib.get_close_matches(str(key), list(declared), n=1)
            issues.append(Issue(f"{path}.{key}", Message("criteria.unknown_parameter", criterion=repr(criterion.name)),
                                expected=", ".join(declared) or Message("criteria.no_parameters"), found=repr(key),
                                hint=Message("validation.did_you_mean", name=repr(close[0])) if close else None))
    for name, spec in declared.items():
        raw = given.get(name, REQUIRED)
        where = f"{path}.{name}"
        if raw is REQUIRED:
            if not complete:
                continue
            if spec.required:
                issues.append(Issue(where, Message("criteria.needs_parameter", criterion=repr(criterion.name)),
                                    expected=_type_name(spec.type), found=Message("found.nothing")))
                continue
            params[name] = Parameter(name, (DatedValue(None, spec.default, source=None),))
            continue
        parameter, found = _parse_parameter(name, raw, spec, where)
        issues.extend(found)
        if parameter is not None:
            params[name] = parameter
    return params, issues


def _is_dated(raw: Any) -> bool:
    return isinstance(raw, Mapping) and set(raw) == {"values"}


_DATED_KEYS = ({"from", "value"}, {"from", "until", "value"})


def _parse_parameter(name: str, raw: Any, spec: Param, path: str) -> tuple[Parameter | None, list[Issue]]:
    if not _is_dated(raw):
        value, issues = _parse_value(raw, spec, path)
        return (Parameter(name, (DatedValue(None, value, source=path),)) if not issues else None), issues
    if not spec.dated:
        return None, [Issue(path, Message("criteria.not_dated"), expected=_type_name(spec.type),
                            found=Message("criteria.found.dated_values"))]
    entries = raw["values"]
    if not isinstance(entries, list) or not entries:
        return None, [Issue(f"{path}.values", Message("criteria.dated_values_list"),
                            expected="[{from: YYYY-MM-DD, value: …}, …]", found=repr(entries))]
    issues = []
    values: list[DatedValue] = []
    for i, entry in enumerate(entries):
        where = f"{path}.values[{i}]"
        if not isinstance(entry, Mapping) or set(entry) not in _DATED_KEYS:
            found = sorted(map(str, entry)) if isinstance(entry, Mapping) else repr(entry)
            issues.append(Issue(where, Message("criteria.dated_value_keys"),
                                expected="{from: YYYY-MM-DD, until: YYYY-MM-DD (optional), value: …}", found=str(found)))
            continue
        try:
            start = structure(entry["from"], dt.date)
            end = structure(entry["until"], dt.date) if "until" in entry else None
        except ValidationError as exc:
            issues.extend(_prefixed(exc.issues, f"{where}.{_bad_date_key(entry)}"))
            continue
        value, problems = _parse_value(entry["value"], spec, f"{where}.value")
        issues.extend(problems)
        if end is not None and end < start:
            issues.append(Issue(f"{where}.until", Message("criteria.until_before_from"),
                                expected=Message("grants.expect.on_or_after", date=start), found=str(end)))
            continue
        previous = values[-1] if values else None
        if previous is not None and start <= (previous.end or previous.start or dt.date.min):
            after = previous.end or previous.start
            issues.append(Issue(f"{where}.from", Message("criteria.dates_increase"),
                                expected=Message("grants.expect.date_after", date=after), found=str(start)))
            continue
        if not problems:
            values.append(DatedValue(start, value, end, source=where))
    if issues:
        return None, issues
    return Parameter(name, tuple(values)), []


def _bad_date_key(entry: Mapping[str, Any]) -> str:
    """Which of ``from`` and ``until`` is not a date (``from`` when both are not)."""
    try:
        structure(entry["from"], dt.date)
    except ValidationError:
        return "from"
    return "until"


def _parse_value(raw: Any, spec: Param, path: str) -> tuple[Any, list[Issue]]:
    try:
        value = structure(raw, spec.type)
    except ValidationError as exc:
        return None, _prefixed(exc.issues, path)
    if spec.minimum is not None and value is not None and value < spec.minimum:
        return None, [Issue(path, Message("criteria.too_small"), expected=Message("criteria.expect.at_least",
                                                                                   minimum=spec.minimum),
                            found=str(raw))]
    numbers = value if isinstance(value, tuple) else (value,)
    if any(isinstance(x, Decimal | int) and not isinstance(x, bool) and not is_reasonable_number(Decimal(x))
           for x in numbers):
        return None, [Issue(path, Message("validation.number_too_large"), expected=NUMBER_EXPECTED, found=str(raw)[:40])]
    return value, []


def _prefixed(issues: Iterable[Issue], path: str) -> list[Issue]:
    def join(inner: str) -> str:
        if not inner:
            return path
        return f"{path}{inner}" if inner.startswith("[") else f"{path}.{inner}"

    return [attrs.evolve(issue, path=join(issue.path)) for issue in issues]


#: Parameter types → the code saying what a value of it looks like.
_TYPE_CODES = {int: N_("expect.whole_number"), Decimal: N_("expect.number"), str: N_("expect.text"),
               bool: N_("expect.boolean")}


def _type_name(type_: Any) -> Message:
    code = _TYPE_CODES.get(type_)
    return Message(code) if code else Verbatim(getattr(type_, "__name__", str(type_)))


def check_criteria(program: GrantProgram, ctx: ProgramContext | None, path: str = "program",
                   registry=None) -> Iterator[Issue]:
    """Every criterion of ``program``: installed, unique, with valid parameters (the calls' overrides too)."""
    seen: dict[str, int] = {}
    parsed: dict[str, tuple[Criterion, Mapping[str, Parameter]]] = {}
    for i, config in enumerate(program.criteria):
        where = f"{path}.criteria[{i}]"
        if config.key in seen:
            yield Issue(f"{where}.id", Message("criteria.id_twice", first=f"criteria[{seen[config.key]}]"),
                        found=repr(config.key), hint=Message("criteria.id_twice.hint"))
        seen.setdefault(config.key, i)
        installed = registry if registry is not None else criteria_registry()
        criterion = get_criterion(config.criterion, installed)
        if criterion is None:
            yield Issue(f"{where}.criterion", Message("criteria.not_installed"),
                        expected=", ".join(installed.names()) or Message("criteria.expect.installed"),
                        found=repr(config.criterion), hint=Message("criteria.not_installed.hint"), severity="warning")
            continue
        params, issues = parse_params(config, criterion, f"{where}.params")
        yield from issues
        if not issues:
            yield from _prefixed(criterion.check(params, ctx), f"{where}.params")
            parsed.setdefault(config.key, (criterion, params))
    if any(call.params for call in program.calls):
        yield from call_overrides(program, parsed, ctx, path, known=[c.key for c in program.criteria])[1]


def call_overrides(program: GrantProgram, parsed: Mapping[str, tuple[Criterion, Mapping[str, Parameter]]],
                   ctx: ProgramContext | None, path: str = "program",
                   known: Sequence[str] = ()) -> tuple[dict[str, dict[str, dict[str, Parameter]]], list[Issue]]:
    """The parameters each call for projects overrides (call → criterion id → parameters), or issues.

    ``parsed`` holds each criterion of the program (by id) with its own parameters: an
    override is checked with the criterion's rules across parameters, on the merged set.
    """
    found: dict[str, dict[str, dict[str, Parameter]]] = {}
    issues: list[Issue] = []
    for i, call in enumerate(program.calls):
        for key, given in call.params.items():
            where = f"{path}.calls[{i}].params.{key}"
            if key not in parsed:
                if key not in known:  # a criterion of the program with bad parameters is reported there
                    close = difflib.get_close_matches(str(key), list(known), n=1)
                    issues.append(Issue(where, Message("criteria.override_unknown"), expected=", ".join(known) or "-",
                                        found=repr(key),
                                        hint=Message("validation.did_you_mean", name=repr(close[0])) if close else None))
                continue
            if not isinstance(given, Mapping):
                issues.append(Issue(where, Message("criteria.override_mapping"), expected="{parameter: value, …}",
                                    found=repr(given)))
                continue
            criterion, params = parsed[key]
            overrides, problems = parse_overrides(given, criterion, where)
            if not problems:
                problems = _prefixed(criterion.check({**params, **overrides}, ctx), where)
            issues.extend(problems)
            if not problems:
                found.setdefault(call.id, {})[key] = overrides
    return found, issues
