"""Loading and dumping a large plan, beside pydantic v2 and msgspec on the same shapes.

The plan is generated (deterministically, with the real model classes): 1 000 actions,
2 000 indicators of every kind, 12 000 measurements, French text, ``Decimal`` values and
dates — about 1 MB of JSON. The peers get classes with the same fields and types
(``Decimal``, ``date``, optional fields, nested tuples), the same constraints where they
can express them (id pattern, enumerated kinds and roles, unknown keys refused, defaults
omitted on dump) and read the very bytes actionplan wrote. What they do not do is
actionplan's domain work: parsing schedule texts and the whole-plan checks (references,
unique ids, kind requirements); "load (structure only)" leaves the checks out so their
cost is visible.

Every figure is measured under two garbage-collector policies, the same for every library
(``GC on``: the collector runs, actionplan's own pause while loading switched off; ``GC
paused``: paused around every library's call), in interleaved rounds (best and median).

Targets (issue 13, under each policy): load with every check no slower than pydantic
(ratio ≤ 1.0) and within 3× of msgspec; dump no slower than pydantic (≤ 1.0).

Run alone: ``python benchmarks/documents.py [--quick]``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import sys
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import orjson
import _table
from _table import GC_POLICIES, Row, measure_side_by_side, ratio_row, timing_row

try:
    import msgspec
    import pydantic
except ImportError as exc:  # shown as the module's ERROR row by run.py
    raise ImportError(f"{exc.name} is missing: install the peers with python -m pip install -e '.[bench]'") from exc

import actionplan
from actionplan import documents as documents_module
from actionplan.documents import from_data, to_data
from actionplan.model import (
    Action,
    ActionPlan,
    Indicator,
    Measurement,
    Objective,
    Organisation,
    Participation,
    Period,
    Section,
    Theme,
)
from actionplan.model.base import ID_PATTERN
from actionplan.schedules import parse_schedule

GROUP = "documents"

# -- a realistic plan, generated -------------------------------------------------------------

MRCS = (
    "mrc:beauharnois-salaberry", "mrc:le-haut-saint-laurent", "mrc:les-jardins-de-napierville",
    "mrc:roussillon", "mrc:vaudreuil-soulanges", "mrc:les-maskoutains",
)
MUNICIPALITIES = ("mun:saint-hyacinthe", "mun:la-presentation", "mun:saint-damase", "mun:saint-jude")
SCHEDULES = (
    "2026", "En continu", "2025-2026", "Hiver 2026", "Poursuite en 2026", "En continu 2026",
    "31 mars 2026", "Automne 2026", "2 fois par année", "Une rencontre", "mi-mars 2026",
    "chaque automne", "exercice 2025-2026", "À la fin de chaque projet", "Juillet 2026",
    "2 fois par année et en continu pour ajouts", "→ Une rencontre → En continu",
)
THEMES = (
    ("Sécurité alimentaire", "enjeu_federateur"), ("Transport collectif", "enjeu_federateur"),
    ("Réussite éducative et sociale", "enjeu_federateur"), ("Logement", "enjeu_federateur"),
    ("Santé mentale", "enjeu_federateur"), ("Analyse différenciée selon les sexes", "visee_transversale"),
    ("Participation citoyenne", "visee_transversale"), ("Vie associative", "vie_associative"),
    ("Mobilisation des territoires", "mobilisation"), ("Communications et représentations", "communications"),
)
VERBS = ("Organiser", "Soutenir", "Créer", "Diffuser", "Mobiliser", "Réaliser", "Documenter", "Animer",
         "Développer", "Consolider", "Accompagner", "Évaluer")
OBJECTS = ("des rencontres de concertation", "une boîte à outils", "les communautés de pratique",
           "un portrait des besoins", "des activités de transfert de connaissances", "l'état des connaissances",
           "une infolettre trimestrielle", "des ateliers de co-développement", "le comité régional",
           "des fiches synthèses", "une démarche d'évaluation participative", "les projets structurants")
PLACES = ("dans l'ouest de la Montérégie", "avec les tables locales", "auprès des élus municipaux",
          "dans les 5 territoires de MRC", "avec les partenaires du réseau de la santé", "en milieu rural",
          "auprès des familles à faible revenu", "avec les organismes communautaires")
NOTES = ("Rencontre tenue en présentiel à Châteauguay", "Données transmises par l'équipe",
         "Report à l'automne à la demande des partenaires", "Bilan présenté au conseil d'administration",
         "Estimation à préciser", "Participation en hausse par rapport à l'an dernier")
ORG_KINDS = ("organisme communautaire", "table de concertation", "MRC", "comité", "centre de services scolaire",
             "établissement de santé et de services sociaux", "pôle régional")
ROLES = ("lead", "collaborator", "funder", "support", "responsible")
KINDS = ("count", "tracked", "rate", "milestone", "deliverable", "coverage", "minimum", "qualitative")
LEVELS = ("insuffisant", "partiel", "satisfaisant", "excellent")
LABELS = {
    "count": ("{n} rencontres du comité", "Publication de {n} infolettres", "{n} ateliers de co-développement"),
    "tracked": ("Nombre de participants aux ateliers", "Nombre d'organismes mobilisés", "Nombre de références"),
    "rate": ("Taux de participation des membres", "Taux de satisfaction des partenaires"),
    "milestone": ("Adoption du plan par le conseil d'administration", "Tenue de l'assemblée générale annuelle"),
    "deliverable": ("Fiche synthèse réalisée", "Mise à jour du portrait", "Diffusion des outils demandés"),
    "coverage": ("Présence dans les 5 MRC", "Couverture des 5 territoires de MRC"),
    "minimum": ("Au moins {n} projet structurant", "Au moins {n} démarches concertées"),
    "qualitative": ("Pertinence des outils pour les partenaires", "Qualité des échanges", "Adhésion des élus"),
}


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(PLACES)}"


def _measurement(rng: random.Random, kind: str, day: dt.date) -> Measurement:
    note = rng.choice(NOTES) if rng.random() < 0.1 else None
    if kind == "rate":
        denominator = Decimal(rng.randint(20, 200))
        numerator = (denominator * Decimal(rng.randint(10, 100)) / 100).quantize(Decimal("0.5"))
        return Measurement(day, numerator=numerator, denominator=denominator, note=note)
    if kind == "qualitative":
        return Measurement(day, level=rng.choice(LEVELS), note=note)
    if kind in ("deliverable", "milestone"):
        return Measurement(day, done=rng.random() < 0.6, note=note)
    if kind == "coverage":
        return Measurement(day, territories=tuple(rng.sample(MRCS, rng.randint(1, 2))), note=note)
    value = Decimal(rng.randint(0, 120)) if rng.random() < 0.8 else Decimal(rng.randint(0, 12000)) / 100
    if rng.random() < 0.1:
        return Measurement(day, value=value, territory=rng.choice(MRCS), dimensions={"groupe d'âge": "18-35 ans"},
                           note=note)
    return Measurement(day, value=value, note=note)


def _indicator(rng: random.Random, ident: str, kind: str, measurements: int) -> Indicator:
    fields: dict = {}
    if kind in ("count", "minimum"):
        fields = {"target": Decimal(rng.choice((1, 2, 4, 6, 12, 25))), "unit": rng.choice(("rencontres", "projets"))}
    elif kind == "tracked":
        fields = {"unit": "participants", "baseline": Decimal(rng.randint(5, 50))}
    elif kind == "rate":
        fields = {"unit": "%", "target": Decimal("62.5")}
    elif kind == "milestone":
        fields = {"due": dt.date(2026, rng.randint(1, 12), rng.randint(1, 28))}
    elif kind == "coverage":
        fields = {"target_territories": MRCS[:5]}
    elif kind == "qualitative":
        fields = {"scale": LEVELS, "target_level": "satisfaisant"}
    start = dt.date(2026, 1, 15)
    values = tuple(_measurement(rng, kind, start + dt.timedelta(days=30 * k + rng.randint(0, 9)))
                   for k in range(measurements))
    label = rng.choice(LABELS[kind]).format(n=fields.get("target", 1))
    return Indicator(ident, label, kind, measurements=values, **fields)


def generate_plan(actions: int = 1000, indicators_per_action: int = 2, measurements_per_indicator: int = 6,
                  seed: int = 2026) -> ActionPlan:
    """A deterministic plan of ``actions`` actions (10 themes × 5 objectives × the rest)."""
    rng = random.Random(seed)
    organisations = tuple(
        Organisation(f"org-{k:02d}", f"{rng.choice(('Table', 'Comité', 'Corporation', 'Pôle'))} de "
                     f"{rng.choice(('développement social', 'sécurité alimentaire', 'l’économie sociale'))} {k}",
                     short_name=f"O{k}", kind=rng.choice(ORG_KINDS), territory=rng.choice(MRCS))
        for k in range(40)
    )
    per_objective = max(1, actions // 50)
    themes = []
    kind_cycle = 0
    for t, (title, kind) in enumerate(THEMES):
        objectives = []
        for o in range(5):
            objective_actions = []
            for a in range(per_objective):
                ident = f"t{t}-o{o}-a{a}"
                indicators = []
                for n in range(indicators_per_action):
                    indicators.append(_indicator(rng, f"{ident}-i{n}", KINDS[kind_cycle % len(KINDS)],
                                                 measurements_per_indicator))
                    kind_cycle += 1
                partners = tuple(Participation(f"org-{p:02d}", rng.choice(ROLES))
                                 for p in rng.sample(range(40), rng.randint(1, 2)))
                objective_actions.append(Action(
                    ident, _sentence(rng),
                    description=_sentence(rng) + "." if rng.random() < 0.3 else None,
                    partners=partners,
                    territories=tuple(rng.sample(MRCS, rng.randint(0, 1))),
                    schedule=parse_schedule(rng.choice(SCHEDULES)),
                    indicators=tuple(indicators),
                    population=rng.choice((None, None, "familles", "jeunes de 16 à 35 ans", "personnes aînées")),
                ))
            objectives.append(Objective(f"t{t}-o{o}", _sentence(rng), actions=tuple(objective_actions)))
        themes.append(Theme(f"t{t}", title, kind, heading="Enjeux fédérateurs" if kind == "enjeu_federateur" else None,
                            general_objective=_sentence(rng), objectives=tuple(objectives), number=t + 1))
    return ActionPlan(
        "plan-regional-2026", "Plan d'action régional en développement social 2026",
        Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        organisation="org-00",
        mission="Accroître la capacité d'action collective des acteurs qui favorisent l'amélioration des "
                "conditions de vie dans les territoires de l'ouest de la Montérégie.",
        context=(Section("Portrait", "Un territoire rural et urbain où l'insécurité alimentaire progresse."),),
        organisations=organisations,
        territories=MRCS,
        themes=tuple(themes),
    )


# -- the same shapes for pydantic v2 and msgspec ----------------------------------------------------

PydId = Annotated[str, pydantic.StringConstraints(pattern=ID_PATTERN.pattern, max_length=200)]
PydText = Annotated[str, pydantic.StringConstraints(min_length=1)]
MsgId = Annotated[str, msgspec.Meta(pattern=ID_PATTERN.pattern, max_length=200)]
MsgText = Annotated[str, msgspec.Meta(min_length=1)]
IndicatorKind = Literal["count", "tracked", "rate", "milestone", "deliverable", "coverage", "minimum", "qualitative"]
Role = Literal["lead", "collaborator", "funder", "support", "responsible", "executing", "participant"]
Level = Literal["country", "province", "region", "mrc", "municipality", "neighbourhood", "other"]


class _Pyd(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)


class PPeriod(_Pyd):
    start: dt.date
    end: dt.date


class PSection(_Pyd):
    title: str
    body: str


class POrganisation(_Pyd):
    id: PydId
    name: PydText
    short_name: str | None = None
    kind: str | None = None
    territory: PydId | None = None
    website: str | None = None


class PTerritory(_Pyd):
    id: PydId
    name: PydText
    level: Level = "other"
    parent: PydId | None = None
    code: str | None = None


class PParticipation(_Pyd):
    organisation: PydId
    role: Role = "collaborator"
    note: str | None = None


class PTarget(_Pyd):
    value: Decimal
    period: str | None = None
    territory: PydId | None = None


class PMeasurement(_Pyd):
    date: dt.date
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    level: str | None = None
    done: bool | None = None
    territories: tuple[PydId, ...] = ()
    territory: PydId | None = None
    dimensions: dict[str, str] = pydantic.Field(default_factory=dict)
    period: str | None = None
    note: str | None = None
    evidence: str | None = None
    recorded_by: str | None = None
    indicator: PydId | None = None


class PIndicator(_Pyd):
    id: PydId
    label: PydText
    kind: IndicatorKind = "qualitative"
    unit: str | None = None
    target: Decimal | None = None
    targets: tuple[PTarget, ...] = ()
    baseline: Decimal | None = None
    due: dt.date | None = None
    target_territories: tuple[PydId, ...] = ()
    scale: tuple[str, ...] = ()
    target_level: str | None = None
    cumulative: bool = True
    direction: Literal["increase", "decrease"] = "increase"
    per: str | None = None
    note: str | None = None
    measurements: tuple[PMeasurement, ...] = ()


class PAction(_Pyd):
    id: PydId
    title: PydText
    description: str | None = None
    partners: tuple[PParticipation, ...] = ()
    territories: tuple[PydId, ...] = ()
    schedule: str | None = None
    indicators: tuple[PIndicator, ...] = ()
    scale: str | None = None
    population: str | None = None
    note: str | None = None


class PObjective(_Pyd):
    id: PydId
    title: PydText
    subheading: str | None = None
    actions: tuple[PAction, ...] = ()
    note: str | None = None


class PTheme(_Pyd):
    id: PydId
    title: PydText
    kind: str = "autre"
    heading: str | None = None
    general_objective: str | None = None
    objectives: tuple[PObjective, ...] = ()
    number: int | None = None
    note: str | None = None


class PTask(_Pyd):
    id: PydId
    objective: PydText
    tasks: str | None = None
    responsible: str | None = None
    responsible_organisations: tuple[PydId, ...] = ()
    start: str | None = None
    deadline: str | None = None


class PActionPlan(_Pyd):
    id: PydId
    title: PydText
    period: PPeriod
    organisation: PydId | None = None
    schema_version: int = 1
    language: str = "fr"
    fiscal_years: bool = False
    free_text_schedules: bool = False
    mission: str | None = None
    context: tuple[PSection, ...] = ()
    organisations: tuple[POrganisation, ...] = ()
    territories: tuple[PydId, ...] = ()
    custom_territories: tuple[PTerritory, ...] = ()
    themes: tuple[PTheme, ...] = ()
    tasks: tuple[PTask, ...] = ()
    source: str | None = None
    illustrative: bool = False


class _Msg(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    pass


class MPeriod(_Msg):
    start: dt.date
    end: dt.date


class MSection(_Msg):
    title: str
    body: str


class MOrganisation(_Msg):
    id: MsgId
    name: MsgText
    short_name: str | None = None
    kind: str | None = None
    territory: MsgId | None = None
    website: str | None = None


class MTerritory(_Msg):
    id: MsgId
    name: MsgText
    level: Level = "other"
    parent: MsgId | None = None
    code: str | None = None


class MParticipation(_Msg):
    organisation: MsgId
    role: Role = "collaborator"
    note: str | None = None


class MTarget(_Msg):
    value: Decimal
    period: str | None = None
    territory: MsgId | None = None


class MMeasurement(_Msg):
    date: dt.date
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    level: str | None = None
    done: bool | None = None
    territories: tuple[MsgId, ...] = ()
    territory: MsgId | None = None
    dimensions: dict[str, str] = msgspec.field(default_factory=dict)
    period: str | None = None
    note: str | None = None
    evidence: str | None = None
    recorded_by: str | None = None
    indicator: MsgId | None = None


class MIndicator(_Msg):
    id: MsgId
    label: MsgText
    kind: IndicatorKind = "qualitative"
    unit: str | None = None
    target: Decimal | None = None
    targets: tuple[MTarget, ...] = ()
    baseline: Decimal | None = None
    due: dt.date | None = None
    target_territories: tuple[MsgId, ...] = ()
    scale: tuple[str, ...] = ()
    target_level: str | None = None
    cumulative: bool = True
    direction: Literal["increase", "decrease"] = "increase"
    per: str | None = None
    note: str | None = None
    measurements: tuple[MMeasurement, ...] = ()


class MAction(_Msg):
    id: MsgId
    title: MsgText
    description: str | None = None
    partners: tuple[MParticipation, ...] = ()
    territories: tuple[MsgId, ...] = ()
    schedule: str | None = None
    indicators: tuple[MIndicator, ...] = ()
    scale: str | None = None
    population: str | None = None
    note: str | None = None


class MObjective(_Msg):
    id: MsgId
    title: MsgText
    subheading: str | None = None
    actions: tuple[MAction, ...] = ()
    note: str | None = None


class MTheme(_Msg):
    id: MsgId
    title: MsgText
    kind: str = "autre"
    heading: str | None = None
    general_objective: str | None = None
    objectives: tuple[MObjective, ...] = ()
    number: int | None = None
    note: str | None = None


class MTask(_Msg):
    id: MsgId
    objective: MsgText
    tasks: str | None = None
    responsible: str | None = None
    responsible_organisations: tuple[MsgId, ...] = ()
    start: str | None = None
    deadline: str | None = None


class MActionPlan(_Msg):
    id: MsgId
    title: MsgText
    period: MPeriod
    organisation: MsgId | None = None
    schema_version: int = 1
    language: str = "fr"
    fiscal_years: bool = False
    free_text_schedules: bool = False
    mission: str | None = None
    context: tuple[MSection, ...] = ()
    organisations: tuple[MOrganisation, ...] = ()
    territories: tuple[MsgId, ...] = ()
    custom_territories: tuple[MTerritory, ...] = ()
    themes: tuple[MTheme, ...] = ()
    tasks: tuple[MTask, ...] = ()
    source: str | None = None
    illustrative: bool = False


# -- the benchmark -------------------------------------------------------------------------------


def check_same_shapes(plan: ActionPlan, raw: bytes) -> None:
    """The three libraries must read the same document into the same data, or the figures mean nothing.

    What each peer read is written back by that peer and read by actionplan: it must be the plan.
    """
    if actionplan.loads(raw, format="json") != plan:
        raise AssertionError("actionplan does not read back the plan it wrote")
    pyd = PActionPlan.model_validate_json(raw).model_dump_json(exclude_defaults=True)
    if actionplan.loads(pyd, format="json") != plan:
        raise AssertionError("pydantic read the document differently from actionplan")
    msg = msgspec.json.encode(msgspec.json.decode(raw, type=MActionPlan))
    if actionplan.loads(msg, format="json") != plan:
        raise AssertionError("msgspec read the document differently from actionplan")


LOAD_PYDANTIC_TARGET = 1.0
LOAD_MSGSPEC_TARGET = 3.0
DUMP_PYDANTIC_TARGET = 1.0


def gc_policy_for_all(policy: str) -> contextlib.AbstractContextManager[None]:
    """The same collector policy for every library: under ``on``, actionplan's own pause of the
    collector while it loads (``collector_paused``) is switched off, so it runs as the peers do;
    under ``paused`` the harness pauses it around every library's call (``measure_side_by_side``)."""
    return _table.gc_policy_for_all(policy, documents_module)


def rows(quick: bool) -> list[Row]:
    plan = generate_plan(actions=200 if quick else 1000)
    raw = orjson.dumps(to_data(plan))  # compact, as machines exchange it; dumps() indents for people
    check_same_shapes(plan, raw)
    pyd_plan = PActionPlan.model_validate_json(raw)
    msg_plan = msgspec.json.decode(raw, type=MActionPlan)
    size = len(raw)
    repeats = 3 if quick else 9
    measurements = sum(len(i.measurements) for *_, i in plan.iter_indicators())
    count = sum(1 for _ in plan.iter_actions())
    shape = f"{count} actions, {measurements} measurements, {size / 1e6:.2f} MB JSON"
    result = [Row(GROUP, "document", size / 1e6, "MB", note=shape)]
    for policy in GC_POLICIES:
        with gc_policy_for_all(policy):
            result += policy_rows(policy, plan, raw, pyd_plan, msg_plan, size, repeats, quick)
    return result


def policy_rows(policy, plan, raw, pyd_plan, msg_plan, size, repeats, quick) -> list[Row]:
    """Every timing and ratio under one collector policy, the same for every library."""
    group = f"{GROUP}, GC {policy}"

    def side_by_side(**functions):
        return measure_side_by_side(functions, repeats=repeats, min_seconds=0.0 if quick else 1.0, gc_policy=policy)

    loads = side_by_side(
        structure=lambda: from_data(orjson.loads(raw), ActionPlan, check=False),
        checked=lambda: actionplan.loads(raw, format="json"),
        pydantic=lambda: PActionPlan.model_validate_json(raw),
        msgspec=lambda: msgspec.json.decode(raw, type=MActionPlan),
    )
    dumps = side_by_side(
        ours=lambda: actionplan.dumps(plan, "json"),
        pydantic=lambda: pyd_plan.model_dump_json(exclude_defaults=True, indent=2),
        msgspec=lambda: msgspec.json.format(msgspec.json.encode(msg_plan), indent=2),
    )
    compact = side_by_side(
        ours=lambda: orjson.dumps(to_data(plan)),
        pydantic=lambda: pyd_plan.model_dump_json(exclude_defaults=True),
        msgspec=lambda: msgspec.json.encode(msg_plan),
    )
    load_structure, load_checked, load_pyd, load_msg = loads.values()
    dump_ours, dump_pyd, dump_msg = dumps.values()
    dump_ours_compact, dump_pyd_compact, dump_msg_compact = compact.values()
    return [
        timing_row(group, "load (structure only): actionplan", load_structure, size),
        timing_row(group, "load (with checks): actionplan", load_checked, size),
        timing_row(group, "load: pydantic v2", load_pyd, size),
        timing_row(group, "load: msgspec", load_msg, size),
        ratio_row(group, "load (with checks) / pydantic", load_checked, load_pyd, LOAD_PYDANTIC_TARGET),
        ratio_row(group, "load (with checks) / msgspec", load_checked, load_msg, LOAD_MSGSPEC_TARGET),
        ratio_row(group, "load (structure only) / pydantic", load_structure, load_pyd),
        ratio_row(group, "load (structure only) / msgspec", load_structure, load_msg),
        timing_row(group, "dump: actionplan", dump_ours, size),
        timing_row(group, "dump: pydantic v2", dump_pyd, size),
        timing_row(group, "dump: msgspec", dump_msg, size),
        ratio_row(group, "dump / pydantic", dump_ours, dump_pyd, DUMP_PYDANTIC_TARGET),
        ratio_row(group, "dump / msgspec", dump_ours, dump_msg),
        timing_row(group, "dump compact: actionplan", dump_ours_compact, size),
        timing_row(group, "dump compact: pydantic v2", dump_pyd_compact, size),
        timing_row(group, "dump compact: msgspec", dump_msg_compact, size),
        ratio_row(group, "dump compact / pydantic", dump_ours_compact, dump_pyd_compact),
        ratio_row(group, "dump compact / msgspec", dump_ours_compact, dump_msg_compact),
    ]


if __name__ == "__main__":
    from _table import main

    raise SystemExit(main(rows, GROUP))
