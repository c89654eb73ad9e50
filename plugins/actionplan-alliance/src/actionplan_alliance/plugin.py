"""The three rules of the Alliance pour la solidarité of the MRC des Maskoutains (seed 003).

« Pour qu'un projet soit admissible, il devra minimalement impliquer plus d'un organisme
dans l'exécution du projet, les appuis ne sont pas considérés comme des implications.
Également, le projet devra minimalement toucher un minimum de 5 municipalités sur le
territoire. Également, les projets qui contiennent des actions à l'égard de plus d'une
priorité seront priorisés. »

The thresholds are parameters of the program file (``minimum``), dated if they change.
Each criterion returns facts only; its sentences are written by ``explain`` when read.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import actionplan
from actionplan.api import Catalogue, Criterion, Message, Param, ProgramContext, Sentences, Values, Verdict, tn

def _folded(sentence: str) -> str:
    """Lower case, without accents: « Également, LE PROJET… » → « egalement, le projet… »."""
    decomposed = unicodedata.normalize("NFKD", sentence.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


_WORDS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6}


def _count(text: str) -> int | None:
    return int(text) if text.isdigit() else _WORDS.get(text)


#: A verdict made from its five fields at once (``Verdict(…)`` without its keyword handling).
_verdict = tuple.__new__


def _shared(applications, field: str, judge) -> list[Verdict]:
    """``judge(value)`` of each application's ``field`` (a tuple), called once per value:
    applications with the same value share its verdict."""
    judged: dict[tuple, Verdict] = {}
    found = []
    for application in applications:
        value = getattr(application, field)
        if type(value) is not tuple:
            value = tuple(value)
        verdict = judged.get(value)
        if verdict is None:
            verdict = judged[value] = judge(value)
        found.append(verdict)
    return found


def _written(verdicts, keys, write) -> list[tuple[str, str | None]]:
    """``write(verdict)`` of each verdict, called once per key (what the sentences depend on)."""
    keys = list(keys)
    texts = {key: write(verdict) for key, verdict in dict(zip(keys, verdicts)).items()}
    return list(map(texts.__getitem__, keys))


#: The plugin's own message catalogue (``locale/<lang>/LC_MESSAGES/actionplan_alliance.po``).
CATALOGUE = Catalogue("actionplan_alliance", Path(__file__).parent / "locale")


class ExecutingOrganisations(Criterion):
    """More than one organisation carries the project out: the lead and its ``executing`` partners.

    Letters of support (``support``) are not involvement; an organisation listed twice counts once.
    """

    name = "executing_organisations"
    reads = ("lead", "partners")
    title = Message("alliance.executing.title")
    parameters = {"minimum": Param(int, default=2, minimum=1, description=Message("alliance.executing.param.minimum"))}

    def recognise(self, sentence: str):
        """« … impliquer plus d'un organisme dans l'exécution du projet… » → ``{minimum: 2}``."""
        folded = _folded(sentence)
        if "organisme" not in folded or "execution" not in folded:
            return None
        more = re.search(r"plus d'(un|une|\d+)\s+organisme", folded)
        count = _count(more.group(1)) if more else None
        if count is not None:
            return {"minimum": count + 1}
        least = re.search(r"(?:au moins|minimum(?: de)?)\s+(\w+)\s+organisme", folded)
        count = _count(least.group(1)) if least else None
        return {"minimum": count} if count else None

    def prepare(self, values: Values, ctx: ProgramContext) -> int:
        return values.minimum

    def evaluate(self, application, minimum: int, ctx: ProgramContext) -> Verdict:
        return self.evaluate_all((application,), minimum, ctx)[0]

    def evaluate_all(self, applications, minimum: int, ctx: ProgramContext) -> list[Verdict]:
        found = []
        for application in applications:
            executing = {application.lead}
            listed = 1
            supporting = None
            for partner in application.partners:
                role = partner.role
                if role == "executing":
                    executing.add(partner.organisation)
                    listed += 1
                elif role == "support":
                    if supporting is None:
                        supporting = set()
                    supporting.add(partner.organisation)
            count = len(executing)
            facts = {
                "executing": tuple(sorted(executing)),
                "count": count,
                "minimum": minimum,
                "support_letters": len(supporting - executing) if supporting else 0,
                "counted_once": listed - count,
            }
            found.append(_verdict(Verdict, (count >= minimum, facts, None, None, None)))
        return found

    def __init__(self):
        self._sentences = Sentences()

    def explain(self, verdict: Verdict, ctx: ProgramContext, lang: str = "fr") -> tuple[str, str | None]:
        f = verdict.facts
        key = (lang, verdict.passed, f["count"], f["minimum"], f["support_letters"], f["counted_once"])
        return self._sentences.get(key) or self._sentences.put(key, self._write(verdict, lang))

    def explain_all(self, verdicts, ctx: ProgramContext, lang: str = "fr") -> list[tuple[str, str | None]]:
        keys = [(v.passed, (f := v.facts)["count"], f["minimum"], f["support_letters"], f["counted_once"])
                for v in verdicts]
        return _written(verdicts, keys, lambda verdict: self._write(verdict, lang))

    def _write(self, verdict: Verdict, lang: str) -> tuple[str, str | None]:
        f = verdict.facts
        supports, repeats = f["support_letters"], f["counted_once"]
        reason = tn("alliance.executing.reason", f["count"], lang, minimum=f["minimum"])
        if supports:
            reason += tn("alliance.executing.support_letters", supports, lang)
        if repeats:
            reason += tn("alliance.executing.counted_once", repeats, lang)
        if verdict.passed:
            return reason + ".", None
        advice = tn("alliance.executing.advice", f["minimum"] - f["count"], lang)
        if supports:  # only an application with letters of support is told they do not count
            advice += tn("alliance.executing.advice.support_letters", supports, lang)
        return reason + ".", advice


class MunicipalitiesInTerritory(Criterion):
    """The project reaches at least ``minimum`` municipalities of the program's territory.

    Reaching an MRC reaches all of its municipalities; municipalities outside the
    territory do not count (they are reported in the facts).
    """

    name = "municipalities_in_territory"
    reads = ("territories",)
    title = Message("alliance.municipalities.title")
    parameters = {"minimum": Param(int, default=5, minimum=1,
                                   description=Message("alliance.municipalities.param.minimum"))}

    def recognise(self, sentence: str):
        """« … toucher un minimum de 5 municipalités sur le territoire » → ``{minimum: 5}``."""
        found = re.search(r"(?:minimum(?: de)?|au moins)\s+(\w+)\s+municipalites", _folded(sentence))
        count = _count(found.group(1)) if found else None
        return {"minimum": count} if count else None

    def prepare(self, values: Values, ctx: ProgramContext) -> int:
        return values.minimum

    def evaluate(self, application, minimum: int, ctx: ProgramContext) -> Verdict:
        return self.evaluate_all((application,), minimum, ctx)[0]

    def evaluate_all(self, applications, minimum: int, ctx: ProgramContext) -> list[Verdict]:
        """One verdict per set of territories named (applications naming the same share it)."""
        reach = ctx.reach

        def judge(territories: tuple[str, ...]) -> Verdict:
            inside, outside = reach(territories)
            count = len(inside)
            facts = {"municipalities": count, "minimum": minimum, "outside_territory": len(outside), "reached": inside}
            return _verdict(Verdict, (count >= minimum, facts, None, None, None))

        return _shared(applications, "territories", judge)

    def __init__(self):
        self._sentences = Sentences()

    def explain(self, verdict: Verdict, ctx: ProgramContext, lang: str = "fr") -> tuple[str, str | None]:
        f = verdict.facts
        territory = ctx.territory_name()
        key = (lang, verdict.passed, f["municipalities"], f["minimum"], f["outside_territory"], territory)
        return self._sentences.get(key) or self._sentences.put(key, self._write(verdict, territory, lang))

    def explain_all(self, verdicts, ctx: ProgramContext, lang: str = "fr") -> list[tuple[str, str | None]]:
        territory = ctx.territory_name()
        keys = [(v.passed, (f := v.facts)["municipalities"], f["minimum"], f["outside_territory"]) for v in verdicts]
        return _written(verdicts, keys, lambda verdict: self._write(verdict, territory, lang))

    def _write(self, verdict: Verdict, territory: str, lang: str) -> tuple[str, str | None]:
        f = verdict.facts
        missing = f["minimum"] - f["municipalities"]
        named = f" ({territory})" if territory else ""  # a program may name no territory
        reason = tn("alliance.municipalities.reason", f["municipalities"], lang, minimum=f["minimum"], named=named)
        if f["outside_territory"]:
            reason += tn("alliance.municipalities.outside", f["outside_territory"], lang)
        advice = tn("alliance.municipalities.advice", missing, lang, named=named)
        return reason + ".", None if verdict.passed else advice


class MultiplePrioritiesFirst(Criterion):
    """Ranking: projects acting on at least ``minimum`` (2) priorities of the program come first."""

    name = "multiple_priorities_first"
    reads = ("priorities",)
    role = "ranking"
    title = Message("alliance.priorities.title")
    parameters = {"minimum": Param(int, default=2, minimum=1, description=Message("alliance.priorities.param.minimum"))}

    def recognise(self, sentence: str):
        """« … des actions à l'égard de plus d'une priorité seront priorisés » → ``{minimum: 2}``."""
        folded = _folded(sentence)
        found = re.search(r"plus d'(une|\d+)\s+priorite", folded)
        if not found or "prioris" not in folded:
            return None
        return {"minimum": (_count(found.group(1)) or 1) + 1}

    def prepare(self, values: Values, ctx: ProgramContext) -> int:
        return values.minimum

    def evaluate(self, application, minimum: int, ctx: ProgramContext) -> Verdict:
        return self.evaluate_all((application,), minimum, ctx)[0]

    def evaluate_all(self, applications, minimum: int, ctx: ProgramContext) -> list[Verdict]:
        """One verdict per number of the program's priorities (applications acting on as many share it)."""
        known = ctx.priority_ids
        by_count: dict[int, Verdict] = {}

        def judge(priorities: tuple[str, ...]) -> Verdict:
            count = len(known.intersection(priorities))
            verdict = by_count.get(count)
            if verdict is None:
                verdict = by_count[count] = _verdict(Verdict, (count >= minimum, {"priorities": count, "minimum": minimum},
                                                              None, None, None))
            return verdict

        return _shared(applications, "priorities", judge)

    def __init__(self):
        self._sentences = Sentences()

    def explain(self, verdict: Verdict, ctx: ProgramContext, lang: str = "fr") -> tuple[str, str | None]:
        f = verdict.facts
        key = (lang, verdict.passed, f["priorities"], f["minimum"])
        return self._sentences.get(key) or self._sentences.put(key, self._write(verdict, lang))

    def explain_all(self, verdicts, ctx: ProgramContext, lang: str = "fr") -> list[tuple[str, str | None]]:
        keys = [(v.passed, (f := v.facts)["priorities"], f["minimum"]) for v in verdicts]
        return _written(verdicts, keys, lambda verdict: self._write(verdict, lang))

    def _write(self, verdict: Verdict, lang: str) -> tuple[str, str | None]:
        f = verdict.facts
        missing = f["minimum"] - f["priorities"]
        if verdict.passed:
            return tn("alliance.priorities.reason.passed", f["priorities"], lang), None
        return (tn("alliance.priorities.reason.failed", f["priorities"], lang, minimum=f["minimum"]),
                tn("alliance.priorities.advice", missing, lang))


CRITERIA = (ExecutingOrganisations(), MunicipalitiesInTerritory(), MultiplePrioritiesFirst())


@actionplan.hookimpl
def actionplan_register_catalogues(register):
    register(CATALOGUE)


@actionplan.hookimpl
def actionplan_register_criteria(register):
    for criterion in CRITERIA:
        register(criterion)
