"""Validation messages in French (the CLI's default) and English, from the catalogues' codes."""

from __future__ import annotations

import pytest

import actionplan
from actionplan.errors import Issue

ENGLISH_WORDS = ("expected", "found", "unknown key", "wrong type", "required field", "did you mean",
                 "duplicate", "needs", "unknown territory", "unknown organisation")


def broken_issues(text: str) -> list[Issue]:
    with pytest.raises(actionplan.ValidationError) as info:
        actionplan.loads(text)
    return list(info.value.issues)


@pytest.fixture
def issues(minimal_plan_text):
    structural = broken_issues(
        minimal_plan_text.replace("target: 4", "target: quatre")
        .replace("title: Tenue des rencontres", "titel: Tenue des rencontres")
        .replace("kind: rate", "kind: ratio")
        .replace("id: demo", "id: ../demo")
        .replace('schedule: "2026"', "schedule: bientôt")
    )
    references = broken_issues(
        minimal_plan_text.replace("organisation: ch, role: lead", "organisation: cj, role: lead")
        .replace("territories: [mrc:roussillon]", "territories: [mrc:atlantide]")
        .replace("{id: i2,", "{id: i1,")
        .replace(", due: 2026-03-31", "")
    )
    return structural + references


def test_french_lines_have_no_english_left(issues):
    assert len(issues) >= 8
    for issue in issues:
        line = issue.render("fr")
        assert not any(word in line for word in ENGLISH_WORDS), line
        assert line.startswith(issue.path or "(document)")


def test_french_rendering_of_known_messages(issues):
    lines = "\n".join(issue.render("fr") for issue in issues)
    assert "clé inconnue\u00a0; attendu : un des champs de Action, trouvé : 'titel' (vouliez-vous dire 'title' ?)" in lines
    assert "type incorrect\u00a0; attendu : un nombre, trouvé : le texte 'quatre'" in lines
    assert "identifiant d'indicateur en double" in lines
    assert "organisme inconnu" in lines and "territoire inconnu" in lines
    assert "un indicateur de type jalon exige due" in lines
    assert "échéancier non reconnu 'bientôt'" in lines


def test_english_is_the_issue_itself(issues):
    assert [issue.render("en") for issue in issues] == [str(issue) for issue in issues]


def test_every_issue_of_the_checks_carries_a_code(issues):
    assert all(issue.code for issue in issues), [issue for issue in issues if not issue.code]


def test_a_plain_text_passes_through_as_written():
    issue = Issue("program.x", "notre règle maison", expected="quelque chose", found="autre chose")
    assert issue.code is None
    assert issue.render("fr") == "program.x : notre règle maison\u00a0; attendu : quelque chose, trouvé : autre chose"


def test_every_indicator_kind_has_its_description_in_both_languages():
    from actionplan.checks import KIND_DESCRIPTIONS, kind_description
    from actionplan.model.indicators import INDICATOR_KINDS

    assert set(KIND_DESCRIPTIONS) == set(INDICATOR_KINDS)
    for kind, (english, _needs) in INDICATOR_KINDS.items():
        assert str(kind_description(kind)) == english
        assert kind_description(kind).render("fr") != english


@pytest.mark.parametrize("text, french", [
    ("2026-2025", "la période 2026-2025 est à rebours\u00a0; écrivez d'abord l'année la plus ancienne (2025-2026)"),
    ("Automne 2019-2020", "seul l'hiver s'étend sur deux années\u00a0; nommez une année pour l'automne (p. ex. 2020)"),
    ("31 février 2026", "il n'y a pas de jour 31 au mois 2 de 2026"),
    ("bientôt", "illisible : 'bientôt'"),
    ("Hiver", "une saison ou un mois demande une année"),
])
def test_schedule_refusals_in_french(text, french):
    from actionplan.convert import exception_issues
    from actionplan.errors import ScheduleError
    from actionplan.schedules import parse_schedule

    with pytest.raises(ScheduleError) as info:
        parse_schedule(text)
    (issue,) = exception_issues(info.value, path="schedule")
    line = issue.render("fr")
    assert french in line, line
    assert "cannot" not in line and "accepted forms" not in line
