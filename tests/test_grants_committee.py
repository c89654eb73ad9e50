"""Committee scoring: a weighted grid, members' marks with N/A, recusals, mean or median, spread, tie-breaks."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from cli_runs import run

import actionplan
from actionplan.grants.committee import Committee, check_committee, committee_order
from actionplan.grants.evaluation import Evaluator
from actionplan.model.committee import CommitteeDocument, CommitteeMember, Conflict, MemberScores

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PLAN = str(EXAMPLES / "alliance-maskoutains-2019-2023.yaml")
APPS = str(EXAMPLES / "alliance-maskoutains-appel-2020.yaml")
COMMITTEE = str(EXAMPLES / "alliance-maskoutains-comite-2020.yaml")



@pytest.fixture(scope="module")
def plan():
    return actionplan.load(PLAN)


@pytest.fixture(scope="module")
def applications(plan):
    return actionplan.load(APPS)


def test_check_shows_the_committee_scores_the_recusal_and_ranks_by_score(capsys):
    code, out, err = run(capsys, "grants", "check", PLAN, APPS, "--committee", COMMITTEE)
    assert code == 0, err
    assert "(comité illustratif : membres et notes fictifs)" in out
    order = [line.split(" — ")[0] for line in out.splitlines() if line[:1].isdigit() or line.startswith("–")]
    # a-04 and a-02 tie at 75,33: a-04 acts on two priorities (the first tie-break)
    assert order == ["1. a-01", "2. a-03", "3. a-04", "4. a-02", "5. a-05", "6. a-06", "– a-07", "– a-08"]
    assert "★ Note du comité : 88,67 / 100 (moyenne de 3 membres\u00a0; écart de 88 à 90)" in out
    assert "★ Note du comité : 86 / 100 (moyenne de 2 membres\u00a0; écart de 84 à 88)" in out
    assert ("⚠ Récusation : Luc Bouchard (fictif), conflit d'intérêts déclaré le 2020-02-20 (siège au conseil "
            "d'administration de l'organisme porteur)\u00a0; ne note pas cette demande") in out
    assert out.count("Récusation") == 1
    assert "à égalité : le plus de priorités du programme\u00a0; dépôt le plus tôt" in out


def test_check_in_english_and_json_give_exact_decimals(capsys):
    code, out, _ = run(capsys, "--lang", "en", "grants", "check", PLAN, APPS, "--committee", COMMITTEE)
    assert code == 0
    assert "★ Committee score: 88.67 / 100 (mean of 3 members; range 88 to 90)" in out
    assert "Recusal: Luc Bouchard (fictif), conflict of interest declared on 2020-02-20" in out
    code, out, _ = run(capsys, "grants", "check", PLAN, APPS, "--committee", COMMITTEE, "--format", "json")
    rows = {row["application"]: row for row in json.loads(out)["applications"]}
    a03 = rows["a-03"]["committee"]
    assert a03["score"] == "86.00" and a03["spread"] == {"low": "84.00", "high": "88.00", "stdev": "2.00"}
    assert [m["member"] for m in a03["members"]] == ["m-gagnon", "m-nguyen"]
    assert a03["recusals"][0]["member"] == "m-bouchard"
    a05 = {c["criterion"]: c for c in rows["a-05"]["committee"]["criteria"]}
    assert a05["perennite"] == {"criterion": "perennite", "weight": "10", "aggregate": "2", "marks": 1,
                                "not_applicable": 2}
    assert rows["a-05"]["committee"]["members"][0]["marks"]["perennite"] == "N/A"
    assert rows["a-07"]["rank"] is None


def test_na_is_left_out_of_the_mean_and_the_score_is_out_of_100(plan, applications):
    committee = Committee(plan.program, applications.applications, actionplan.load(COMMITTEE))
    a05 = committee["a-05"]
    # means: pertinence 10/3, ancrage 10/3, partenariat 10/3, faisabilité 10/3, pérennité 2 (one mark, two N/A)
    expected = (Decimal(30) * Decimal(10) / 3 + 20 * Decimal(10) / 3 * 3 + 10 * 2) / 5
    assert a05.score == expected.quantize(Decimal("0.01"))
    gagnon = a05.members[0]
    assert gagnon.marks["perennite"] is None
    # her own score leaves pérennité out and scales the other weights back to 100
    assert gagnon.score == ((30 * 3 + 20 * 4 + 20 * 3 + 20 * 4) * Decimal(100) / 90 / 5).quantize(Decimal("0.01"))


def test_median_stdev_and_a_criterion_nobody_could_mark(plan, applications):
    grid = attrs.evolve(plan.program.scoring, aggregate="median", spread="stdev")
    program = attrs.evolve(plan.program, scoring=grid)
    members = tuple(CommitteeMember(f"m{i}", f"Membre {i}") for i in range(3))
    marks = [{"pertinence": 1, "ancrage": 5, "partenariat": 5, "faisabilite": 5, "perennite": "N/A"},
             {"pertinence": 4, "ancrage": 5, "partenariat": 5, "faisabilite": 5, "perennite": "n/a"},
             {"pertinence": 5, "ancrage": 5, "partenariat": 5, "faisabilite": 5, "perennite": "N/A"}]
    document = CommitteeDocument("alliance-maskoutains-2019-2023", members=members,
                                 scores=tuple(MemberScores(f"m{i}", "a-01", m) for i, m in enumerate(marks)))
    scored = Committee(program, applications.applications, document)["a-01"]
    # median pertinence 4; pérennité left out: (30×4/5 + 60) × 100/90
    assert scored.score == ((Decimal(30) * 4 / 5 + 60) * 100 / 90).quantize(Decimal("0.01"))
    assert scored.criteria[-1].aggregate is None and scored.criteria[-1].not_applicable == 3
    own = [m.score for m in scored.members]
    assert scored.stdev is not None and scored.stdev > 0 and scored.low == min(own) and scored.high == max(own)


def test_a_single_scorers_scores_are_the_degenerate_committee(plan, applications):
    marks = {"pertinence": Decimal(5), "ancrage": Decimal(4), "partenariat": Decimal(4), "faisabilite": Decimal(4)}
    apps = [attrs.evolve(a, scores=marks) if a.id == "a-06" else a for a in applications.applications]
    committee = Committee(plan.program, apps)
    scored = committee["a-06"]
    assert scored.scorers == 1 and scored.recusals == ()
    assert scored.score == ((30 * 5 + 20 * 4 * 3) * Decimal(100) / 90 / 5).quantize(Decimal("0.01"))
    assert committee["a-01"].score is None  # not scored: ranked after the scored ones
    ranking = Evaluator(plan.program, plan).rank(apps)
    assert [a.application.id for a in committee_order(ranking, committee, plan.program.priorities)][0] == "a-06"


def test_tie_breaks_are_configurable(plan, applications):
    document = actionplan.load(COMMITTEE)
    ranking = Evaluator(plan.program, plan).rank(applications.applications)
    for ties, first in ((("priorities", "deposited"), "a-04"), (("deposited",), "a-02"), (("requested",), "a-02")):
        program = attrs.evolve(plan.program, scoring=attrs.evolve(plan.program.scoring, tie_breaks=ties))
        order = [a.application.id for a in committee_order(ranking, Committee(program, applications.applications,
                                                                                 document), program.priorities)]
        assert order[2] == first, ties


def _committee_file(tmp_path: Path, old: str, new: str) -> str:
    text = Path(COMMITTEE).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "comite.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return str(path)


GAGNON_A01 = "{member: m-gagnon,   application: a-01, marks: {pertinence: 5,"


@pytest.mark.parametrize(("old", "new", "expected"), [
    (GAGNON_A01, "{member: m-gagnon,   application: a-01, marks: {pertinence: 7,",
     ["scores[0].marks.pertinence : note hors de l'échelle de la grille", "attendu : une note de 0 à 5, ou N/A",
      "trouvé : 7"]),
    (GAGNON_A01, "{member: m-gagnon,   application: a-01, marks: {pertinence: beaucoup,",
     ["scores[0].marks.pertinence : une note est un nombre de l'échelle ou N/A", "trouvé : 'beaucoup'"]),
    ("{member: m-bouchard, application: a-01,", "{member: m-gagnon, application: a-01,",
     ["scores[1] : m-gagnon a déjà noté a-01 (scores[0]) : un membre note une demande une seule fois"]),
    ("{member: m-nguyen,   application: a-03,", "{member: m-bouchard, application: a-03,",
     ["m-bouchard a déclaré un conflit d'intérêts sur a-03 (conflicts[0]) : un membre récusé ne note pas cette demande",
      "trouvé : 5 notes"]),
    (GAGNON_A01, "{member: m-tremblay, application: a-01, marks: {pertinence: 5,",
     ["scores[0].member : membre inconnu du comité", "m-bouchard, m-gagnon, m-nguyen", "trouvé : 'm-tremblay'"]),
    ("faisabilite: 4, perennite: 4}}", "faisabilite: 4, perenite: 4}}",
     ["scores[0].marks.perenite : critère inconnu de la grille d'analyse", "vouliez-vous dire 'perennite' ?",
      "scores[0].marks : aucune note pour le critère perennite : donner une note ou N/A"]),
    (GAGNON_A01, "{member: m-gagnon,   application: a-99, marks: {pertinence: 5,",
     ["scores[0].application : demande inconnue", "trouvé : 'a-99'"]),
])
def test_bad_committee_input_is_refused_with_its_path_and_exit_2(capsys, tmp_path, old, new, expected):
    path = _committee_file(tmp_path, old, new)
    code, out, err = run(capsys, "grants", "check", PLAN, APPS, "--committee", path)
    assert code == 2, out
    assert "Traceback" not in err and out == ""
    assert str(path) in err
    for text in expected:
        assert text in err, err


def test_check_committee_reports_every_problem_and_records_nothing(plan, applications):
    document = CommitteeDocument(
        "autre-plan", members=(CommitteeMember("m", "M"), CommitteeMember("m", "M bis")),
        conflicts=(Conflict("m", "a-01", dt.date(2020, 2, 20)),),
        scores=(MemberScores("m", "a-01", {"pertinence": 1}),))
    codes = [issue.code for issue in check_committee(document, applications, plan)]
    assert "committee.duplicate_member" in codes and "committee.other_program" in codes
    assert "committee.recused_scores" in codes and codes.count("committee.missing_mark") == 4


def test_the_programs_grid_is_checked_with_paths(tmp_path, capsys):
    text = Path(PLAN).read_text(encoding="utf-8")
    bad = text.replace('{id: perennite, label: "Pérennité", weight: 10}', '{id: perennite, label: "Pérennité", weight: 15}')
    bad = bad.replace("tie_breaks: [priorities, deposited]", "tie_breaks: [priorities, hasard]")
    path = tmp_path / "programme.yaml"
    path.write_text(bad, encoding="utf-8")
    code, out, err = run(capsys, "validate", str(path))
    assert code == 2
    assert "program.scoring.items : les poids d'une grille doivent totaliser 100" in err
    assert "trouvé : 105" in err
    assert "program.scoring.tie_breaks[1]" in err and "'hasard'" in err
