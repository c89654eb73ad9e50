"""Generic criteria, registered by this default plugin like any third party's.

* ``min_priorities`` — act on at least N of the program's priorities;
* ``addresses_any_priority`` — act on at least one of the listed priorities;
* ``weighted_grid`` — the selection committee's marks on a grid whose weights sum to 100;
* ``max_amount`` — request no more than a ceiling, in total or per fiscal year.

Each returns facts and leaves its sentences to ``explain`` (written only when read).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import attrs
from babel.numbers import format_decimal

from ..errors import Issue
from ..hookspecs import hookimpl
from ..i18n import Message, t, tn
from ..model.base import check_id, check_text
from .criteria import Criterion, Param, Parameter, ProgramContext, Values, Verdict
from .criteria import plural as _plural
from .money import format_amount

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


def number(value: Decimal | int, lang: str) -> str:
    """``72.5`` → ``72,5`` in French, ``72.5`` in English."""
    return format_decimal(value, format="#,##0.##", locale="fr_CA" if lang == "fr" else "en_CA")


def listing(items: Iterable[str]) -> str:
    return ", ".join(items)


# -- priorities ------------------------------------------------------------------------------------


class MinPriorities(Criterion):
    """At least ``minimum`` of the program's priorities are addressed (repeats count once)."""

    name = "min_priorities"
    reads = ("priorities",)
    title = Message("grants.min_priorities.title")
    parameters = {"minimum": Param(int, default=1, minimum=1,
                                   description=Message("grants.min_priorities.param.minimum"))}

    def evaluate(self, application, values: Values, ctx: ProgramContext) -> Verdict:
        known = ctx.priority_ids
        addressed = tuple(p for p in dict.fromkeys(application.priorities) if p in known)
        minimum = values.minimum
        return Verdict(len(addressed) >= minimum, {"priorities": addressed, "count": len(addressed), "minimum": minimum})

    def explain(self, verdict: Verdict, ctx: ProgramContext, lang: str = "fr") -> tuple[str, str | None]:
        f = verdict.facts
        reason = tn("grants.min_priorities.reason", f["count"], lang, minimum=f["minimum"])
        if verdict.passed:
            return reason, None
        missing = f["minimum"] - f["count"]
        others = listing(ctx.priority_title(p) for p in ctx.priorities if p not in f["priorities"])
        return reason, tn("grants.min_priorities.advice", missing, lang, others=others)


class AddressesAnyPriority(Criterion):
    """At least one of ``priorities`` (default: every priority of the program) is addressed."""

    name = "addresses_any_priority"
    reads = ("priorities",)
    title = Message("grants.addresses_any_priority.title")
    parameters = {"priorities": Param(tuple[str, ...], default=(),
                                      description=Message("grants.addresses_any_priority.param.priorities"))}

    def check(self, params: Mapping[str, Parameter], ctx: ProgramContext | None) -> Iterable[Issue]:
        if ctx is None:
            return
        for k, dated in enumerate(params["priorities"].values):
            prefix = "priorities" if dated.start is None else f"priorities.values[{k}].value"
            for i, priority in enumerate(dated.value):
                if priority not in ctx.priority_ids:
                    yield Issue(f"{prefix}[{i}]", Message("criteria.not_a_priority"),
                                expected=", ".join(sorted(ctx.priority_ids)), found=repr(priority))

    def prepare(self, values: Values, ctx: ProgramContext) -> frozenset[str]:
        return frozenset(values.priorities) or ctx.priority_ids

    def evaluate(self, application, accepted: frozenset[str], ctx: ProgramContext) -> Verdict:
        addressed = tuple(p for p in application.priorities if p in accepted)
        return Verdict(bool(addressed), {"addressed": addressed, "accepted": tuple(sorted(accepted))})

    def explain(self, verdict: Verdict, ctx: ProgramContext, lang: str = "fr") -> tuple[str, str | None]:
        f = verdict.facts
        accepted = listing(ctx.priority_title(p) for p in f["accepted"])
        if verdict.passed:
            addressed = listing(ctx.priority_title(p) for p in f["addressed"])
            return t("grants.addresses_any_priority.reason.passed", lang, addressed=addressed), None
        return (t("grants.addresses_any_priority.reason.failed", lang, accepted=accepted),
                t("grants.addresses_any_priority.advice", lang, accepted=accepted))


# -- a weighted scoring grid ---------------------------------------------------------------------------


@attrs.frozen
class GridItem:
    """A line of a scoring grid: what is marked and its weight (weights of a grid sum to 100)."""

    id: str = attrs.field(validator=check_id)
    label: str = attrs.field(validator=check_text)
    weight: Decimal = Decimal(0)


class WeightedGrid(Criterion):
    """The selection committee marks each item from 0 to ``scale``; the score is out of 100.

    score = Σ weight × mark / scale. With ``min_score`` the verdict fails below it; as a
    ranking criterion (the default) higher scores come first.
    """

    name = "weighted_grid"
    reads = ("scores",)
    role = "ranking"
    title = Message("grants.weighted_grid.title")
    parameters = {
        "items": Param(tuple[GridItem, ...], description=Message("grants.weighted_grid.param.items")),
        "scale": Param(Decimal, default=Decimal(10), minimum=Decimal("0.01"), dated=False,
                       description=Message("grants.weighted_grid.param.scale")),
        "min_score": Param(Decimal | None, default=None,
                           description=Message("grants.weighted_grid.param.min_score")),
    }

    def check(self, params: Mapping[str, Parameter], ctx: ProgramContext | None) -> Iterable[Issue]:
        for k, dated in enumerate(params["items"].values):
            prefix = "items" if dated.start is None else f"items.values[{k}].value"
            items: tuple[GridItem, ...] = dated.value
            seen: set[str] = set()
            for i, item in enumerate(items):
                if item.weight <= 0:
                    yield Issue(f"{prefix}[{i}].weight", Message("criteria.weight_positive"), found=str(item.weight))
                if item.id in seen:
                    yield Issue(f"{prefix}[{i}].id", Message("criteria.grid_item_twice"), found=repr(item.id))
                seen.add(item.id)
            total = sum((item.weight for item in items), Decimal(0))
            if total != _HUNDRED:
                yield Issue(prefix, Message("criteria.weights_sum"), expected="100", found=str(total))
        for k, dated in enumerate(params["min_score"].values):
            if dated.value is not None and not 0 <= dated.value <= _HUNDRED:
                prefix = "min_score" if dated.start is None else f"min_score.values[{k}].value"
                yield Issue(prefix, Message("criteria.score_out_of_100"), expected=Message("criteria.expect.zero_to_100"),
                            found=str(dated.value))

    def prepare(self, values: Values, ctx: ProgramContext) -> tuple:
        items = tuple((item.id, item.label, item.weight / values.scale) for item in values["items"])
        return items, values.scale, values.min_score

    def evaluate(self, application, prepared: tuple, ctx: ProgramContext) -> Verdict:
        items, scale, min_score = prepared
        marks = application.scores
        missing = tuple(item_id for item_id, _, _ in items if item_id not in marks)
        over = tuple(item_id for item_id, _, _ in items if marks.get(item_id, 0) > scale)
        facts: dict[str, Any] = {"min_score": min_score, "scale": scale}
        if missing or over:
            facts.update(missing=missing, over_scale=over, score=None)
            return Verdict(False, facts)
        score = sum((marks[item_id] * factor for item_id, _, factor in items), Decimal(0))
        score = score.quantize(_CENT, rounding=ROUND_HALF_EVEN)
        facts["score"] = score
        return Verdict(min_score is None or score >= min_score, facts, score=score)

    def explain(self, verdict: Verdict, ctx: ProgramContext, lang: str = "fr") -> tuple[str, str | None]:
        f = verdict.facts
        if f["score"] is None:
            if f["missing"]:
                names = listing(f["missing"])
                return (t("grants.weighted_grid.reason.incomplete", lang, names=names),
                        t("grants.weighted_grid.advice.incomplete", lang, names=names))
            names = listing(f["over_scale"])
            scale = number(f["scale"], lang)
            return (t("grants.weighted_grid.reason.over_scale", lang, scale=scale, names=names),
                    t("grants.weighted_grid.advice.over_scale", lang, scale=scale, names=names))
        score = number(f["score"], lang)
        minimum = f["min_score"]
        if minimum is None:
            reason = t("grants.weighted_grid.reason.score", lang, score=score)
        else:
            reason = t("grants.weighted_grid.reason.score_minimum", lang, score=score, minimum=number(minimum, lang))
        if verdict.passed:
            return reason, None
        return reason, t("grants.weighted_grid.advice.score", lang, gap=number(minimum - f["score"], lang))


# -- amounts -----------------------------------------------------------------------------------------


class MaxAmount(Criterion):
    """The amount requested is at most ``maximum``, in total or (``per: fiscal_year``) in each year."""

    name = "max_amount"
    reads = ("requested",)
    title = Message("grants.max_amount.title")
    parameters = {
        "maximum": Param(Decimal, minimum=Decimal(0), description=Message("grants.max_amount.param.maximum")),
        "per": Param(str, default="total", dated=False, description=Message("grants.max_amount.param.per")),
    }

    def check(self, params: Mapping[str, Parameter], ctx: ProgramContext | None) -> Iterable[Issue]:
        per = params["per"].values[0].value
        if per not in ("total", "fiscal_year"):
            yield Issue("per", Message("criteria.unknown_counting"), expected="total | fiscal_year", found=repr(per))

    def evaluate(self, application, values: Values, ctx: ProgramContext) -> Verdict:
        maximum = values.maximum
        if values.per == "fiscal_year" and application.requested:
            year, requested = max(application.requested.items(), key=lambda item: item[1])
        else:
            year, requested = None, application.total_requested
        facts = {"requested": requested, "maximum": maximum, "per": values.per, "fiscal_year": year,
                 "excess": max(requested - maximum, Decimal(0))}
        return Verdict(requested <= maximum, facts)

    def explain(self, verdict: Verdict, ctx: ProgramContext, lang: str = "fr") -> tuple[str, str | None]:
        f = verdict.facts
        requested, maximum = format_amount(f["requested"], lang), format_amount(f["maximum"], lang)
        if f["fiscal_year"]:
            reason = t("grants.max_amount.reason.year", lang, year=f["fiscal_year"], requested=requested, maximum=maximum)
        else:
            reason = t("grants.max_amount.reason", lang, requested=requested, maximum=maximum)
        return reason, None if verdict.passed else t("grants.max_amount.advice", lang,
                                                     excess=format_amount(f["excess"], lang))


GENERIC_CRITERIA = (MinPriorities(), AddressesAnyPriority(), WeightedGrid(), MaxAmount())


@hookimpl
def actionplan_register_criteria(register):
    for criterion in GENERIC_CRITERIA:
        register(criterion)


def __getattr__(name: str):
    if name == "plural":  # public as actionplan.api.plural since 0.2; this path goes in the next release
        warnings.warn("actionplan.grants.rules.plural has moved: import plural from actionplan.api "
                      "(the old path will be removed in the next release)", DeprecationWarning, stacklevel=2)
        return _plural
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
