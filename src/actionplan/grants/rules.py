"""Generic criteria, registered by this default plugin like any third party's.

* ``min_priorities`` — act on at least N of the program's priorities;
* ``addresses_any_priority`` — act on at least one of the listed priorities;
* ``weighted_grid`` — the selection committee's marks on a grid whose weights sum to 100;
* ``max_amount`` — request no more than a ceiling, in total or per fiscal year.

Each returns facts and leaves its sentences to ``explain`` (written only when read).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import attrs
from babel.numbers import format_decimal

from ..errors import Issue
from ..hookspecs import hookimpl
from ..i18n import Message
from ..model.base import check_id, check_text
from .criteria import Criterion, Param, Parameter, ProgramContext, Text, Values, Verdict
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
    title = Text("Priorités du programme", "Program priorities")
    parameters = {"minimum": Param(int, default=1, minimum=1,
                                   description=Text("nombre minimal de priorités", "minimum number of priorities"))}

    def evaluate(self, application, values: Values, ctx: ProgramContext) -> Verdict:
        known = ctx.priority_ids
        addressed = tuple(p for p in dict.fromkeys(application.priorities) if p in known)
        minimum = values.minimum
        return Verdict(len(addressed) >= minimum, {"priorities": addressed, "count": len(addressed), "minimum": minimum})

    def explain(self, verdict: Verdict, ctx: ProgramContext, lang: str = "fr") -> tuple[str, str | None]:
        f = verdict.facts
        if lang == "en":
            reason = f"The project acts on {_plural(f['count'], 'priority', 'priorities', lang)} of the program (minimum {f['minimum']})."
        else:
            reason = f"Le projet agit sur {_plural(f['count'], 'priorité', 'priorités', lang)} du programme (minimum {f['minimum']})."
        if verdict.passed:
            return reason, None
        missing = f["minimum"] - f["count"]
        others = listing(ctx.priority_title(p) for p in ctx.priorities if p not in f["priorities"])
        if lang == "en":
            return reason, f"act on {_plural(missing, 'more priority', 'more priorities', lang)} among: {others}"
        return reason, f"agir sur {_plural(missing, 'priorité', 'priorités', lang)} de plus parmi : {others}"


class AddressesAnyPriority(Criterion):
    """At least one of ``priorities`` (default: every priority of the program) is addressed."""

    name = "addresses_any_priority"
    title = Text("Priorité exigée", "Required priority")
    parameters = {"priorities": Param(tuple[str, ...], default=(),
                                      description=Text("priorités acceptées (toutes par défaut)",
                                                       "accepted priorities (all by default)"))}

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
            if lang == "en":
                return f"The project acts on {addressed}, a required priority.", None
            return f"Le projet agit sur {addressed}, une priorité exigée.", None
        if lang == "en":
            return (f"The project acts on none of the required priorities ({accepted}).",
                    f"act on at least one of these priorities: {accepted}")
        return (f"Le projet n'agit sur aucune des priorités exigées ({accepted}).",
                f"agir sur au moins une de ces priorités : {accepted}")


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
    role = "ranking"
    title = Text("Grille d'évaluation pondérée", "Weighted scoring grid")
    parameters = {
        "items": Param(tuple[GridItem, ...], description=Text("lignes de la grille", "grid lines")),
        "scale": Param(Decimal, default=Decimal(10), minimum=Decimal("0.01"), dated=False,
                       description=Text("note maximale par ligne", "highest mark per line")),
        "min_score": Param(Decimal | None, default=None,
                           description=Text("score minimal sur 100", "minimum score out of 100")),
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
                if lang == "en":
                    return f"The grid is not complete: no mark for {names}.", f"the selection committee must mark: {names}"
                return f"La grille n'est pas complète : aucune note pour {names}.", f"le comité de sélection doit noter : {names}"
            names = listing(f["over_scale"])
            scale = number(f["scale"], lang)
            if lang == "en":
                return f"Marks above the maximum ({scale}) for {names}.", f"correct the marks of {names} (0 to {scale})"
            return f"Note au-delà du maximum ({scale}) pour {names}.", f"corriger la note de {names} (0 à {scale})"
        score = number(f["score"], lang)
        minimum = f["min_score"]
        if lang == "en":
            reason = f"Score {score} / 100" + (f" (minimum {number(minimum, lang)})." if minimum is not None else ".")
        else:
            reason = f"Score de {score} / 100" + (f" (minimum {number(minimum, lang)})." if minimum is not None else ".")
        if verdict.passed:
            return reason, None
        gap = number(minimum - f["score"], lang)
        if lang == "en":
            return reason, f"gain {gap} more points out of 100"
        return reason, f"obtenir {gap} points de plus sur 100"


# -- amounts -----------------------------------------------------------------------------------------


class MaxAmount(Criterion):
    """The amount requested is at most ``maximum``, in total or (``per: fiscal_year``) in each year."""

    name = "max_amount"
    title = Text("Montant maximal", "Maximum amount")
    parameters = {
        "maximum": Param(Decimal, minimum=Decimal(0), description=Text("montant maximal", "maximum amount")),
        "per": Param(str, default="total", dated=False,
                     description=Text("« total » ou « fiscal_year »", "'total' or 'fiscal_year'")),
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
        if lang == "en":
            where = f" in {f['fiscal_year']}" if f["fiscal_year"] else ""
            reason = f"Amount requested{where}: {requested} (maximum {maximum})."
            return reason, None if verdict.passed else f"reduce the request by {format_amount(f['excess'], lang)}"
        where = f" en {f['fiscal_year']}" if f["fiscal_year"] else ""
        reason = f"Montant demandé{where} : {requested} (maximum {maximum})."
        return reason, None if verdict.passed else f"réduire la demande de {format_amount(f['excess'], lang)}"


GENERIC_CRITERIA = (MinPriorities(), AddressesAnyPriority(), WeightedGrid(), MaxAmount())


@hookimpl
def actionplan_register_criteria(register):
    for criterion in GENERIC_CRITERIA:
        register(criterion)


def __getattr__(name: str):
    if name == "plural":  # public as actionplan.api.plural since 0.2; this path goes in the next release
        import warnings

        warnings.warn("actionplan.grants.rules.plural has moved: import plural from actionplan.api "
                      "(the old path will be removed in the next release)", DeprecationWarning, stacklevel=2)
        return _plural
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
