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

import actionplan
from actionplan.api import Criterion, Param, ProgramContext, Sentences, Text, Values, Verdict, plural


class ExecutingOrganisations(Criterion):
    """More than one organisation carries the project out: the lead and its ``executing`` partners.

    Letters of support (``support``) are not involvement; an organisation listed twice counts once.
    """

    name = "executing_organisations"
    title = Text("Organismes impliqués dans l'exécution", "Organisations carrying out the project")
    parameters = {"minimum": Param(int, default=2, minimum=1,
                                   description=Text("nombre minimal d'organismes dans l'exécution",
                                                    "minimum number of organisations carrying the project out"))}

    def prepare(self, values: Values, ctx: ProgramContext) -> int:
        return values.minimum

    def evaluate(self, application, minimum: int, ctx: ProgramContext) -> Verdict:
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
        return Verdict(count >= minimum, facts)

    def __init__(self):
        self._sentences = Sentences()

    def explain(self, verdict: Verdict, ctx: ProgramContext, lang: str = "fr") -> tuple[str, str | None]:
        f = verdict.facts
        key = (lang, verdict.passed, f["count"], f["minimum"], f["support_letters"], f["counted_once"])
        return self._sentences.get(key) or self._sentences.put(key, self._write(verdict, lang))

    def _write(self, verdict: Verdict, lang: str) -> tuple[str, str | None]:
        f = verdict.facts
        supports, repeats = f["support_letters"], f["counted_once"]
        if lang == "en":
            reason = (f"{plural(f['count'], 'organisation', 'organisations', lang)} carrying out the project "
                      f"(minimum {f['minimum']})")
            if supports:
                reason += f"; {plural(supports, 'letter', 'letters', lang)} of support not counted"
            if repeats:
                reason += f"; {plural(repeats, 'organisation listed twice counts', 'organisations listed twice count', lang)} once"
            advice = (f"add {plural(f['minimum'] - f['count'], 'organisation', 'organisations', lang)} "
                      "involved in carrying out the project; letters of support do not count")
        else:
            reason = (f"{plural(f['count'], 'organisme impliqué', 'organismes impliqués', lang)} dans l'exécution "
                      f"(minimum {f['minimum']})")
            if supports:
                reason += f"; {plural(supports, 'lettre', 'lettres', lang)} d'appui non comptée{'s' if supports > 1 else ''}"
            if repeats:
                reason += f"; {plural(repeats, 'organisme nommé deux fois compte', 'organismes nommés deux fois comptent', lang)} une fois"
            advice = (f"ajouter {plural(f['minimum'] - f['count'], 'organisme impliqué', 'organismes impliqués', lang)} "
                      "dans l'exécution; les lettres d'appui ne comptent pas")
        return reason + ".", None if verdict.passed else advice


class MunicipalitiesInTerritory(Criterion):
    """The project reaches at least ``minimum`` municipalities of the program's territory.

    Reaching an MRC reaches all of its municipalities; municipalities outside the
    territory do not count (they are reported in the facts).
    """

    name = "municipalities_in_territory"
    title = Text("Municipalités du territoire rejointes", "Municipalities of the territory reached")
    parameters = {"minimum": Param(int, default=5, minimum=1,
                                   description=Text("nombre minimal de municipalités du territoire",
                                                    "minimum number of municipalities of the territory"))}

    def prepare(self, values: Values, ctx: ProgramContext) -> int:
        return values.minimum

    def evaluate(self, application, minimum: int, ctx: ProgramContext) -> Verdict:
        inside, outside = ctx.reach(application.territories)
        count = len(inside)
        facts = {"municipalities": count, "minimum": minimum, "outside_territory": len(outside), "reached": inside}
        return Verdict(count >= minimum, facts)

    def __init__(self):
        self._sentences = Sentences()

    def explain(self, verdict: Verdict, ctx: ProgramContext, lang: str = "fr") -> tuple[str, str | None]:
        f = verdict.facts
        territory = ctx.territory_name()
        key = (lang, verdict.passed, f["municipalities"], f["minimum"], f["outside_territory"], territory)
        return self._sentences.get(key) or self._sentences.put(key, self._write(verdict, territory, lang))

    def _write(self, verdict: Verdict, territory: str, lang: str) -> tuple[str, str | None]:
        f = verdict.facts
        missing = f["minimum"] - f["municipalities"]
        named = f" ({territory})" if territory else ""  # a program may name no territory
        if lang == "en":
            reason = (f"The project reaches {plural(f['municipalities'], 'municipality', 'municipalities', lang)} "
                      f"of the territory{named}, minimum {f['minimum']}")
            if f["outside_territory"]:
                reason += (f"; {plural(f['outside_territory'], 'municipality', 'municipalities', lang)} "
                           "outside the territory do not count")
            advice = (f"reach {plural(missing, 'more municipality', 'more municipalities', lang)} "
                      f"of the territory{named}")
        else:
            reason = (f"Le projet rejoint {plural(f['municipalities'], 'municipalité', 'municipalités', lang)} "
                      f"du territoire{named}, minimum {f['minimum']}")
            if f["outside_territory"]:
                reason += (f"; {plural(f['outside_territory'], 'municipalité', 'municipalités', lang)} "
                           "hors du territoire ne comptent pas")
            advice = (f"rejoindre {plural(missing, 'municipalité', 'municipalités', lang)} de plus "
                      f"sur le territoire{named}")
        return reason + ".", None if verdict.passed else advice


class MultiplePrioritiesFirst(Criterion):
    """Ranking: projects acting on at least ``minimum`` (2) priorities of the program come first."""

    name = "multiple_priorities_first"
    role = "ranking"
    title = Text("Projets agissant sur plus d'une priorité", "Projects acting on more than one priority")
    parameters = {"minimum": Param(int, default=2, minimum=1,
                                   description=Text("nombre de priorités pour être priorisé",
                                                    "number of priorities to be ranked first"))}

    def prepare(self, values: Values, ctx: ProgramContext) -> int:
        return values.minimum

    def evaluate(self, application, minimum: int, ctx: ProgramContext) -> Verdict:
        known = ctx.priority_ids
        priorities = application.priorities
        if len(priorities) < 2:
            count = 1 if priorities and priorities[0] in known else 0
        else:
            count = len(known.intersection(priorities))
        return Verdict(count >= minimum, {"priorities": count, "minimum": minimum})

    def __init__(self):
        self._sentences = Sentences()

    def explain(self, verdict: Verdict, ctx: ProgramContext, lang: str = "fr") -> tuple[str, str | None]:
        f = verdict.facts
        key = (lang, verdict.passed, f["priorities"], f["minimum"])
        return self._sentences.get(key) or self._sentences.put(key, self._write(verdict, lang))

    def _write(self, verdict: Verdict, lang: str) -> tuple[str, str | None]:
        f = verdict.facts
        missing = f["minimum"] - f["priorities"]
        if lang == "en":
            if verdict.passed:
                return f"The project acts on {plural(f['priorities'], 'priority', 'priorities', lang)}: it is ranked first.", None
            return (f"The project acts on {plural(f['priorities'], 'priority', 'priorities', lang)}; projects acting on "
                    f"at least {f['minimum']} come first.",
                    f"act on {plural(missing, 'more priority', 'more priorities', lang)} to be ranked first")
        if verdict.passed:
            return f"Le projet agit sur {plural(f['priorities'], 'priorité', 'priorités', lang)} : il est priorisé.", None
        return (f"Le projet agit sur {plural(f['priorities'], 'priorité', 'priorités', lang)}; les projets qui agissent "
                f"sur au moins {f['minimum']} priorités passent d'abord.",
                f"agir sur {plural(missing, 'priorité', 'priorités', lang)} de plus pour être priorisé")


CRITERIA = (ExecutingOrganisations(), MunicipalitiesInTerritory(), MultiplePrioritiesFirst())


@actionplan.hookimpl
def actionplan_register_criteria(register):
    for criterion in CRITERIA:
        register(criterion)
