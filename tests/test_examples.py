"""The two shipped examples: transcribed completely from the seed documents, loadable, stable."""

from __future__ import annotations

import collections
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import actionplan

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CH = "concertation-horizon-2026.yaml"
ALLIANCE = "alliance-maskoutains-2019-2023.yaml"

FIVE_MRC = {
    "mrc:beauharnois-salaberry",
    "mrc:le-haut-saint-laurent",
    "mrc:les-jardins-de-napierville",
    "mrc:roussillon",
    "mrc:vaudreuil-soulanges",
}


@pytest.fixture(scope="module")
def ch():
    return actionplan.load(EXAMPLES / CH)


@pytest.fixture(scope="module")
def alliance():
    return actionplan.load(EXAMPLES / ALLIANCE)


def action_titled(plan, title):
    found = [a for *_, a in plan.iter_actions() if a.title == title]
    assert len(found) == 1, f"{title!r} found {len(found)} times"
    return found[0]


def referenced_organisations(plan) -> set[str]:
    refs = {plan.organisation} if plan.organisation else set()
    refs |= {p.organisation for p in plan.partners}
    refs |= {p.organisation for *_, a in plan.iter_actions() for p in a.partners}
    refs |= {o for task in plan.tasks for o in task.responsible_organisations}
    return refs


def all_schedules(plan):
    yield from (a.schedule for *_, a in plan.iter_actions() if a.schedule is not None)
    for task in plan.tasks:
        yield from (s for s in (task.start, task.deadline) if s is not None)


# -- Concertation Horizon 2026 (seed 000) ------------------------------------------------


def test_ch_structure_counts(ch):
    assert ch.id == "concertation-horizon-2026"
    assert ch.period.start == dt.date(2026, 1, 1) and ch.period.end == dt.date(2026, 12, 31)
    assert ch.organisation_by_id(ch.organisation).short_name == "CH"
    assert set(ch.territories) == FIVE_MRC and len(ch.territories) == 5
    assert [t.id for t in ch.themes] == [
        "securite-alimentaire", "transport", "reussite-educative-sociale", "logement", "sante-mentale",
        "visees-transversales", "vie-associative", "mobilisation-territoires", "communications-representations",
    ]
    kinds = [t.kind for t in ch.themes]
    assert kinds == ["enjeu_federateur"] * 5 + ["visee_transversale", "vie_associative", "mobilisation", "communications"]
    assert sum(1 for _ in ch.iter_objectives()) == 34
    assert [len(t.objectives) for t in ch.themes] == [3, 3, 2, 2, 2, 5, 8, 3, 6]
    assert sum(1 for _ in ch.iter_actions()) == 74
    assert [sum(len(o.actions) for o in t.objectives) for t in ch.themes] == [6, 8, 5, 6, 4, 12, 16, 7, 10]
    assert all(t.general_objective for t in ch.themes)


def test_ch_indicator_kinds(ch):
    counts = collections.Counter(i.kind for *_, i in ch.iter_indicators())
    assert counts == {
        "deliverable": 46, "qualitative": 34, "count": 14, "tracked": 4,
        "minimum": 2, "coverage": 2, "rate": 2, "milestone": 1,
    }
    for *_, indicator in ch.iter_indicators():
        assert "<" not in indicator.label and "→" not in indicator.label
        if indicator.kind in ("count", "minimum"):
            assert indicator.target is not None and indicator.target > 0
        if indicator.kind == "coverage":
            assert set(indicator.target_territories) == FIVE_MRC
        if indicator.kind == "qualitative":
            assert indicator.scale == ()  # the library's default scale applies


def test_ch_rows_paired_by_position(ch):
    site = action_titled(ch, "Lancement du nouveau site web")
    assert site.schedule.text == "Hiver 2026"
    assert [(i.label, i.kind) for i in site.indicators] == [("Nouveau site à jour et accessible", "deliverable")]
    news = action_titled(ch, "Favoriser la diffusion d'information entre les membres")
    assert news.schedule.text == "En continu"
    (infolettres,) = news.indicators
    assert infolettres.kind == "count" and infolettres.target == Decimal(10)

    veille = action_titled(ch, "Maintenir la veille sur les financements disponibles")
    diffusion = action_titled(ch, "Optimisation des moyens de diffusion (moteur de recherche, infolettres, etc.)")
    assert (veille.schedule.text, diffusion.schedule.text) == ("En continu", "2026")

    ateliers = action_titled(
        ch, "Déploiement des ateliers sur la stratégie de communication d'influence en collaboration avec « Pour Rallier »"
    )
    assert [(i.kind, i.target, i.unit) for i in ateliers.indicators] == [("count", Decimal(4), "ateliers")]
    assert [p.organisation for p in ateliers.partners] == ["pour-rallier"]


def test_ch_special_indicators(ch):
    aga = action_titled(ch, "Tenue de l'AGA")
    milestone, participants = aga.indicators
    assert milestone.kind == "milestone" and milestone.due == dt.date(2026, 3, 31)
    assert participants.kind == "tracked"
    rates = [i for *_, i in ch.iter_indicators() if i.label == "Taux de participation"]
    assert len(rates) == 2 and all(i.kind == "rate" for i in rates)

    five_a_sept = action_titled(
        ch, "Organisation de 5 à 7 territoriaux pour l'appropriation du contenu et le maillage de partenaires potentiels"
    )
    minimum, coverage = five_a_sept.indicators
    assert (minimum.kind, minimum.target, minimum.per) == ("minimum", Decimal(1), "year")
    assert coverage.kind == "coverage" and set(coverage.target_territories) == FIVE_MRC

    integration = action_titled(ch, "Intégration des nouveaux membres ou des nouveaux employés des membres")
    assert (integration.indicators[0].target, integration.indicators[0].per) == (Decimal(1), "year")

    tracked = sorted(i.label for *_, i in ch.iter_indicators() if i.kind == "tracked")
    assert tracked == ["Nombre de mises à jour annuelles", "Nombre de participants", "Nombre de participations",
                       "Nombre de représentations"]


def test_ch_actors_are_responsible_partners_not_indicators(ch):
    sa = next(t for t in ch.themes if t.id == "securite-alimentaire")
    for action in sa.objectives[2].actions:
        assert action.indicators == ()
        assert [(p.organisation, p.role) for p in action.partners] == [
            ("equipe-ch", "responsible"), ("table-des-partenaires", "responsible"),
            ("cdp-securite-alimentaire", "responsible"),
        ]
    research = action_titled(ch, "Réalisation de la recherche")
    assert research.indicators == ()
    assert {p.organisation for p in research.partners if p.role == "responsible"} == {
        "comite-travail-national-logement", "equipe-ch"}
    national = action_titled(ch, "Participation aux concertations et comités de travail œuvrant à l'échelle nationale.")
    assert national.indicators == ()
    assert {p.organisation for p in national.partners} == {"rqds", "living-wage"}


def test_ch_merged_sections_and_subheadings(ch):
    vt = next(t for t in ch.themes if t.id == "visees-transversales")
    assert vt.title == ("Accessibilité des services / Renforcement de l'action collective / "
                        "Réduction des inégalités sociales et économiques")
    assert "acteurs·trices" in vt.note
    va = next(t for t in ch.themes if t.id == "vie-associative")
    assert va.objectives[3].title.startswith("Offrir aux partenaires/membres des espaces d'échange")
    assert len(va.objectives[3].actions) == 5
    com = next(t for t in ch.themes if t.id == "communications-representations")
    assert [o.subheading for o in com.objectives] == [
        "Communication d'influence", "Communauté de pratiques – Diffusion de l'information",
        "Communication et circulation de l'information", "Représentations", "Représentations", "Représentations",
    ]


def test_ch_row_without_schedule_has_none(ch):
    assert action_titled(ch, "Animation et réalisation d'activités de partage en SA").schedule is None
    assert sum(1 for *_, a in ch.iter_actions() if a.schedule is None) == 1


def test_ch_ids_unique(ch):
    ids = [t.id for t in ch.themes] + [o.id for _, o in ch.iter_objectives()]
    ids += [a.id for *_, a in ch.iter_actions()] + [i.id for *_, i in ch.iter_indicators()]
    assert len(ids) == len(set(ids))


# -- Alliance pour la solidarité, MRC des Maskoutains (seed 003) --------------------------


def test_alliance_structure(alliance):
    assert alliance.id == "alliance-maskoutains-2019-2023"
    assert alliance.fiscal_years is True
    assert (alliance.period.start, alliance.period.end) == (dt.date(2019, 4, 1), dt.date(2023, 3, 31))
    assert alliance.organisation == "mrc-des-maskoutains"
    assert alliance.territories == ("mrc:les-maskoutains",)
    assert [(t.number, t.kind, t.title) for t in alliance.themes] == [
        (1, "priorite", "Sécurité alimentaire"),
        (2, "priorite", "Insertion socioprofessionnelle"),
        (3, "priorite", "Habitation"),
        (4, "priorite", "Prévention du décrochage scolaire"),
    ]
    assert all(len(t.objectives) == 1 for t in alliance.themes)
    actions = [a for *_, a in alliance.iter_actions()]
    assert len(actions) == 5
    for action in actions:
        assert action.scale == "MRC" and action.population
        assert action.schedule.text == "2019-2020 · 2020-2021 · 2021-2022 · 2022-2023"
    assert actions[-1].population == "Tous"
    assert "Choisissez un élément" not in actionplan.dumps(alliance).decode("utf-8")


def test_alliance_tasks(alliance):
    assert len(alliance.tasks) == 10
    texts = [(t.start.text, t.deadline.text) for t in alliance.tasks]
    assert texts == [
        ("Septembre 2019", "Octobre 2019"), ("Septembre 2019", "Octobre 2019"),
        ("Juillet 2019", "Novembre 2019"), ("Juillet 2019", "Novembre 2019"),
        ("Hiver 2019-2020", "Hiver 2019-2020"), ("Hiver 2019-2020", "Hiver 2019-2020"),
        ("Annuellement Automne", "Annuellement Automne"), ("Annuellement Automne", "Annuellement Automne"),
        ("Annuellement Hiver", "Annuellement Hiver"), ("À la fin de chaque projet", "À la fin de chaque projet"),
    ]
    assert all(t.responsible and t.responsible_organisations for t in alliance.tasks)
    assert alliance.tasks[8].responsible_organisations == ("coordination-alliance-table-prefets",
                                                           "table-prefets-monteregie")


def test_alliance_context_keeps_budget_text(alliance):
    titles = [s.title for s in alliance.context]
    assert "Critères complémentaires" in titles
    budget = next(s for s in alliance.context if s.title.startswith("Budget prévisionnel"))
    for amount in ("195 007 $", "97 503 $", "390 013 $"):
        assert amount in budget.body


# -- both ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [CH, ALLIANCE])
def test_every_organisation_is_referenced(name, ch, alliance):
    plan = ch if name == CH else alliance
    unreferenced = [o.id for o in plan.organisations if o.id not in referenced_organisations(plan)]
    assert unreferenced == []


@pytest.mark.parametrize("name", [CH, ALLIANCE])
def test_every_schedule_parsed(name, ch, alliance):
    plan = ch if name == CH else alliance
    schedules = list(all_schedules(plan))
    assert schedules
    for schedule in schedules:
        assert "free_text" not in schedule.kinds, schedule.text
        assert "<" not in schedule.text


@pytest.mark.parametrize("name", [CH, ALLIANCE])
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_dump_load_roundtrip(name, fmt, ch, alliance, tmp_path):
    plan = ch if name == CH else alliance
    target = tmp_path / f"copy.{fmt}"
    actionplan.dump(plan, target)
    again = actionplan.load(target)
    assert again == plan
