"""Schedules: every wording found in the seed documents, their English equivalents, and properties."""

from __future__ import annotations

import datetime as dt
import re
from datetime import date
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actionplan.errors import ScheduleError
from actionplan.schedules import (
    ACCEPTED_FORMS,
    ASTRONOMICAL_SEASONS,
    METEOROLOGICAL_SEASONS,
    Continuous,
    FiscalYear,
    FreeText,
    InMonth,
    InSeason,
    InYear,
    OnDate,
    Period,
    Recurrence,
    Relative,
    Schedule,
    ScheduleContext,
    YearSpan,
    parse_schedule,
)

DOCS = Path(__file__).resolve().parents[1] / "docs" / "schedules.md"

#: Concertation Horizon, plan 2026: calendar years.
CAL = ScheduleContext(date(2026, 1, 1), date(2026, 12, 31))
#: Alliance pour la solidarité 2019-2023: fiscal years.
ALLIANCE = ScheduleContext(date(2019, 4, 1), date(2023, 3, 31), fiscal_years=True)
Q1 = (date(2026, 1, 1), date(2026, 3, 31))


def P(start: str, end: str | None = None) -> Period:
    return Period(date.fromisoformat(start), date.fromisoformat(end or start))


# -- the seed strings ----------------------------------------------------------------------------

CAL_ALL = P("2026-01-01", "2026-12-31")
ALLIANCE_ALL = P("2019-04-01", "2023-03-31")
WINTER_2026 = P("2025-12-21", "2026-03-20")

#: text → (kinds, bounds in the 2026 calendar plan, bounds in the Alliance fiscal program)
SEEDS = [
    ("2026", ("year",), CAL_ALL, CAL_ALL),
    ("2025-2026", ("year_span",), P("2025-01-01", "2026-12-31"), P("2025-04-01", "2026-03-31")),
    ("2026-2027", ("year_span",), P("2026-01-01", "2027-12-31"), P("2026-04-01", "2027-03-31")),
    ("En continu", ("continuous",), CAL_ALL, ALLIANCE_ALL),
    ("Poursuite en 2026", ("year",), CAL_ALL, CAL_ALL),
    ("Hiver 2026", ("season",), WINTER_2026, WINTER_2026),
    ("→ Hiver 2026", ("season",), WINTER_2026, WINTER_2026),
    ("31 mars 2026", ("date",), P("2026-03-31"), P("2026-03-31")),
    ("2 fois par année et en continu pour ajouts", ("continuous", "recurrence"), CAL_ALL, ALLIANCE_ALL),
    ("Juillet 2019", ("month",), P("2019-07-01", "2019-07-31"), P("2019-07-01", "2019-07-31")),
    ("Septembre 2019", ("month",), P("2019-09-01", "2019-09-30"), P("2019-09-01", "2019-09-30")),
    ("Octobre 2019", ("month",), P("2019-10-01", "2019-10-31"), P("2019-10-01", "2019-10-31")),
    ("Novembre 2019", ("month",), P("2019-11-01", "2019-11-30"), P("2019-11-01", "2019-11-30")),
    ("Hiver 2019-2020", ("season",), P("2019-12-21", "2020-03-20"), P("2019-12-21", "2020-03-20")),
    # the 2026 plan meets winter 2026 (to 20 March) and the start of winter 2026-2027 (from 21 December)
    ("Annuellement Automne", ("recurrence",), P("2026-09-23", "2026-12-20"), P("2019-09-23", "2022-12-20")),
    ("Annuellement Hiver", ("recurrence",), CAL_ALL, P("2019-12-21", "2023-03-20")),
    ("À la fin de chaque projet", ("relative",), None, None),
    ("En continu 2026", ("continuous", "year"), CAL_ALL, P("2019-04-01", "2026-12-31")),
    ("→ Hiver 2026 → En continu", ("continuous", "season"), P("2025-12-21", "2026-12-31"),
     P("2019-04-01", "2026-03-20")),
    ("→ Une rencontre → En continu pour les rencontres individuelles", ("continuous", "recurrence"),
     CAL_ALL, ALLIANCE_ALL),
    ("<p>En continu</p> <p>2026</p>", ("continuous", "year"), CAL_ALL, P("2019-04-01", "2026-12-31")),
    ('<p style="text-align: center;">En continu</p>', ("continuous",), CAL_ALL, ALLIANCE_ALL),
    ("2019-2020 · 2020-2021 · 2021-2022 · 2022-2023", ("year_span",), P("2019-01-01", "2023-12-31"),
     ALLIANCE_ALL),
]


@pytest.mark.parametrize(("text", "kinds", "calendar", "fiscal"), SEEDS, ids=[s[0] for s in SEEDS])
def test_seed_strings_parse_with_their_kinds_and_bounds(text, kinds, calendar, fiscal):
    schedule = parse_schedule(text)
    assert schedule.text == text
    assert schedule.kinds == kinds
    assert schedule.bounds(CAL) == calendar
    assert schedule.bounds(ALLIANCE) == fiscal


#: text → the exact parts read
PARTS = [
    ("2026", (InYear(2026),)),
    ("2025-2026", (YearSpan(2025, 2026),)),
    ("Poursuite en 2026", (InYear(2026, continuing=True),)),
    ("Hiver 2019-2020", (InSeason("winter", 2019, 2020),)),
    ("31 mars 2026", (OnDate(date(2026, 3, 31)),)),
    ("2 fois par année et en continu pour ajouts",
     (Recurrence(times_per_year=2), Continuous(note="pour ajouts"))),
    ("→ Une rencontre → En continu pour les rencontres individuelles",
     (Recurrence(times_per_year=1), Continuous(note="pour les rencontres individuelles"))),
    ("Annuellement Automne", (Recurrence(season="autumn"),)),
    ("Annuellement Hiver", (Recurrence(season="winter"),)),
    ("À la fin de chaque projet", (Relative("project_end"),)),
    ("En continu 2026", (Continuous(), InYear(2026))),
    ("→ Hiver 2026 → En continu", (InSeason("winter", 2026), Continuous())),
    ("<p>En continu</p> <p>2026</p>", (Continuous(), InYear(2026))),
    ("exercice 2020-2021", (FiscalYear(2020),)),
    ("une fois par année", (Recurrence(times_per_year=1),)),
    ("chaque mois de juin", (Recurrence(month=6),)),
]


@pytest.mark.parametrize(("text", "parts"), PARTS, ids=[p[0] for p in PARTS])
def test_parts_read(text, parts):
    assert parse_schedule(text).parts == parts


ENGLISH = [
    ("Winter 2026", "Hiver 2026"),
    ("Ongoing", "En continu"),
    ("Continuous", "En continu"),
    ("March 31, 2026", "31 mars 2026"),
    ("31 March 2026", "31 mars 2026"),
    ("2026-03-31", "31 mars 2026"),
    ("July 2019", "Juillet 2019"),
    ("2026-03", "Mars 2026"),
    ("Twice a year", "2 fois par année"),
    ("Every autumn", "Annuellement Automne"),
    ("Annually in autumn", "Annuellement Automne"),
    ("Each fall", "Annuellement Automne"),
    ("At the end of each project", "À la fin de chaque projet"),
    ("Continuing in 2026", "Poursuite en 2026"),
    ("FY 2020-2021", "exercice 2020-2021"),
    ("Winter 2019-2020", "Hiver 2019-2020"),
]


@pytest.mark.parametrize(("english", "french"), ENGLISH, ids=[e[0] for e in ENGLISH])
def test_english_reads_like_french(english, french):
    assert parse_schedule(english).parts == parse_schedule(french).parts


TOLERATED = [
    ("hiver 2026", "Hiver 2026"),
    ("HIVER 2026", "Hiver 2026"),
    ("a la fin de chaque projet", "À la fin de chaque projet"),
    ("A LA FIN DE CHAQUE PROJET", "À la fin de chaque projet"),
    ("  En   continu  ", "En continu"),
    ("en continu\n2026", "En continu 2026"),
    ("1er mars 2026", "1 mars 2026"),
    ("le 1er mars 2026", "1 mars 2026"),
    ("mi mars 2026", "mi-mars 2026"),
    ("à la mi-mars 2026", "mi-mars 2026"),
    ("ete 2026", "Été 2026"),
    ("aout 2026", "Août 2026"),
    ("Février 2026", "fevrier 2026"),
    ("2025 – 2026", "2025-2026"),
    ("2025 à 2026", "2025-2026"),
    ("⇒ Hiver 2026 ⇒ En continu", "→ Hiver 2026 → En continu"),
    ("-> Hiver 2026 -> En continu", "→ Hiver 2026 → En continu"),
    ("• Hiver 2026 • En continu", "→ Hiver 2026 → En continu"),
    ("- Hiver 2026", "Hiver 2026"),
    ("<ul><li>Hiver 2026</li><li>En continu</li></ul>", "→ Hiver 2026 → En continu"),
    ("Hiver&nbsp;2026", "Hiver 2026"),
    ("À l’hiver 2026", "Hiver 2026"),
    ("2 fois par an + en continu pour ajouts", "2 fois par année et en continu pour ajouts"),
    ("deux fois par année", "2 fois par année"),
    ("chaque automne", "Annuellement Automne"),
    ("tous les automnes", "Annuellement Automne"),
    ("d’ici le 31 mars 2023", "au plus tard le 31 mars 2023"),
    ("FY2020-21", "exercice 2020-2021"),
]


@pytest.mark.parametrize(("variant", "canonical"), TOLERATED, ids=[t[0] for t in TOLERATED])
def test_variants_are_tolerated(variant, canonical):
    schedule = parse_schedule(variant)
    assert schedule.parts == parse_schedule(canonical).parts
    assert schedule.text == variant


def test_notes_keep_their_accents_and_capitals():
    schedule = parse_schedule("EN CONTINU pour les Rencontres « élargies »")
    assert schedule.parts == (Continuous(note="pour les Rencontres « élargies »"),)


def test_a_note_stops_before_a_following_form():
    assert parse_schedule("En continu pour ajouts 2026").parts == (Continuous(note="pour ajouts"), InYear(2026))
    assert parse_schedule("En continu pour ajouts et 2 fois par année").parts == (
        Continuous(note="pour ajouts"), Recurrence(times_per_year=2))
    # "une rencontre" inside a note is not a new part: only a connector or a dated ending breaks a note
    assert parse_schedule("En continu pour une rencontre").parts == (Continuous(note="pour une rencontre"),)


# -- occurrences ----------------------------------------------------------------------------------


def test_each_autumn_of_the_alliance_program():
    found = parse_schedule("Annuellement Automne").occurrences(ALLIANCE.start, ALLIANCE.end, ALLIANCE)
    assert found == [P(f"{year}-09-23", f"{year}-12-20") for year in (2019, 2020, 2021, 2022)]


def test_each_winter_of_the_alliance_program():
    found = parse_schedule("Annuellement Hiver").occurrences(ALLIANCE.start, ALLIANCE.end, ALLIANCE)
    assert found == [P(f"{year}-12-21", f"{year + 1}-03-20") for year in (2019, 2020, 2021, 2022)]


def test_twice_a_year_is_two_half_years_in_a_calendar_plan():
    found = parse_schedule("2 fois par année").occurrences(CAL.start, CAL.end, CAL)
    assert found == [P("2026-01-01", "2026-06-30"), P("2026-07-01", "2026-12-31")]


def test_twice_a_year_over_the_four_program_years():
    found = parse_schedule("Twice a year").occurrences(ALLIANCE.start, ALLIANCE.end, ALLIANCE)
    assert len(found) == 8
    assert found[0] == P("2019-04-01", "2019-09-30") and found[-1] == P("2022-10-01", "2023-03-31")


@pytest.mark.parametrize("times", [1, 3, 4, 5, 7, 10, 12, 52])
def test_n_times_a_year_gives_n_disjoint_slots_covering_the_year(times):
    found = parse_schedule(f"{times} fois par année").occurrences(CAL.start, CAL.end, CAL)
    assert len(found) == times
    assert found[0].start == CAL.start and found[-1].end == CAL.end
    assert all(a.end + dt.timedelta(days=1) == b.start for a, b in zip(found, found[1:]))


def test_each_june():
    found = parse_schedule("chaque mois de juin").occurrences(ALLIANCE.start, ALLIANCE.end, ALLIANCE)
    assert found == [P(f"{year}-06-01", f"{year}-06-30") for year in (2019, 2020, 2021, 2022)]


def test_end_of_each_project_uses_the_event_dates():
    ends = (date(2021, 6, 30), date(2022, 9, 1), date(2020, 3, 31))
    ctx = attrs.evolve(ALLIANCE, events={"project_end": ends})
    schedule = parse_schedule("À la fin de chaque projet")
    assert schedule.bounds(ctx) == P("2020-03-31", "2022-09-01")
    assert schedule.occurrences(ctx.start, ctx.end, ctx) == [Period.day(d) for d in sorted(ends)]
    assert schedule.occurrences(date(2021, 1, 1), date(2021, 12, 31), ctx) == [P("2021-06-30")]
    assert schedule.occurrences(date(2019, 1, 1), date(2019, 12, 31), ctx) == []


def test_relative_without_event_dates_has_no_bounds_nor_occurrences():
    schedule = parse_schedule("À la fin de chaque projet")
    assert schedule.bounds(CAL) is None
    assert schedule.occurrences(CAL.start, CAL.end, CAL) == []


def test_occurrences_are_cut_to_the_window_sorted_and_unique():
    schedule = parse_schedule("En continu 2026 → Hiver 2026")
    assert schedule.occurrences(date(2026, 2, 1), date(2026, 5, 31), CAL) == [
        P("2026-02-01", "2026-03-20"), P("2026-02-01", "2026-05-31")]


def test_a_window_must_go_forward():
    with pytest.raises(ValueError):
        parse_schedule("2026").occurrences(date(2026, 3, 1), date(2026, 2, 1), CAL)


QUARTER = [
    ("En continu", True),
    ("2026", True),
    ("Poursuite en 2026", True),
    ("31 mars 2026", True),
    ("1er avril 2026", False),
    ("Hiver 2026", True),
    ("Été 2026", False),
    ("Juillet 2019", False),
    ("Mars 2026", True),
    ("2025-2026", True),
    ("2026-2027", True),
    ("Annuellement Automne", False),
    ("Annuellement Hiver", True),
    ("2 fois par année", True),
    ("À la fin de chaque projet", False),
    ("→ Hiver 2026 → En continu", True),
]


@pytest.mark.parametrize(("text", "due"), QUARTER, ids=[q[0] for q in QUARTER])
def test_due_in_the_first_quarter_of_2026(text, due):
    assert parse_schedule(text).is_due_between(*Q1, CAL) is due


def test_due_in_the_first_quarter_depends_on_fiscal_years():
    fiscal_2026 = ScheduleContext(date(2026, 1, 1), date(2026, 12, 31), fiscal_years=True)
    # 2026-2027 as a fiscal year starts on 1 April 2026, after the quarter
    assert parse_schedule("2026-2027").is_due_between(*Q1, fiscal_2026) is False
    assert parse_schedule("2025-2026").is_due_between(*Q1, fiscal_2026) is True


# -- the context and its conventions ----------------------------------------------------------


def test_default_season_convention_is_astronomical():
    assert CAL.seasons == ASTRONOMICAL_SEASONS
    assert CAL.season_period("spring", 2026) == P("2026-03-21", "2026-06-20")
    assert CAL.season_period("summer", 2026) == P("2026-06-21", "2026-09-22")
    assert CAL.season_period("autumn", 2026) == P("2026-09-23", "2026-12-20")
    assert CAL.season_period("winter", 2026) == P("2025-12-21", "2026-03-20")


def test_the_season_convention_can_be_overridden():
    meteo = attrs.evolve(CAL, seasons=METEOROLOGICAL_SEASONS)
    assert parse_schedule("Hiver 2024").bounds(meteo) == P("2023-12-01", "2024-02-29")
    assert parse_schedule("Hiver 2026").bounds(meteo) == P("2025-12-01", "2026-02-28")
    custom = attrs.evolve(CAL, seasons={**ASTRONOMICAL_SEASONS, "autumn": ((9, 1), (11, 30))})
    assert parse_schedule("Automne 2026").bounds(custom) == P("2026-09-01", "2026-11-30")


@pytest.mark.parametrize("seasons", [
    {"winter": ((12, 21), (3, 20))},
    {**ASTRONOMICAL_SEASONS, "winter": ((12, 21), (2, 30))},
])
def test_a_bad_season_convention_is_refused(seasons):
    with pytest.raises(ValueError):
        ScheduleContext(date(2026, 1, 1), date(2026, 12, 31), seasons=seasons)


def test_context_and_period_refuse_reversed_dates():
    with pytest.raises(ValueError):
        ScheduleContext(date(2026, 12, 31), date(2026, 1, 1))
    with pytest.raises(ValueError):
        Period(date(2026, 12, 31), date(2026, 1, 1))


def test_period_helpers():
    quarter = P("2026-01-01", "2026-03-31")
    assert quarter.contains(date(2026, 3, 31)) and not quarter.contains(date(2026, 4, 1))
    assert quarter.overlaps(P("2026-03-31", "2026-06-30")) and not quarter.overlaps(P("2026-04-01", "2026-06-30"))
    assert quarter.intersection(P("2026-03-01", "2026-06-30")) == P("2026-03-01", "2026-03-31")
    assert quarter.days == 90 and str(P("2026-03-31")) == "2026-03-31"


def test_context_is_hashable_with_events():
    ctx = ScheduleContext(date(2026, 1, 1), date(2026, 12, 31), events={"project_end": [date(2026, 6, 30)]})
    assert hash(ctx) == hash(ScheduleContext(date(2026, 1, 1), date(2026, 12, 31),
                                             events={"project_end": (date(2026, 6, 30),)}))


# -- values ---------------------------------------------------------------------------------------


def test_text_is_kept_verbatim_and_str_gives_it_back():
    text = '<p style="text-align: center;">En continu</p>'
    schedule = parse_schedule(text)
    assert schedule.text == text and str(schedule) == text


def test_schedules_are_hashable_and_equal_by_value():
    a, b = parse_schedule("En continu 2026"), parse_schedule("En continu 2026")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert parse_schedule("en continu 2026") != a  # different text, same meaning
    assert parse_schedule("en continu 2026").parts == a.parts
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        a.text = "2027"


def test_a_schedule_needs_parts():
    with pytest.raises(ValueError):
        Schedule("2026", ())
    with pytest.raises(TypeError):
        Schedule("2026", ("2026",))


@pytest.mark.parametrize("make", [
    lambda: InMonth(2026, 13),
    lambda: InSeason("monsoon", 2026),
    lambda: InSeason("winter", 2019, 2021),
    lambda: YearSpan(2026, 2025),
    lambda: Recurrence(),
    lambda: Recurrence(times_per_year=0),
    lambda: Recurrence(season="winter", month=1),
    lambda: InYear("2026"),
    lambda: Continuous(note=3),
])
def test_parts_validate_their_fields(make):
    with pytest.raises((ValueError, TypeError)):
        make()


def test_datetimes_become_dates():
    """A datetime compared with a date raises TypeError; values therefore keep plain dates."""
    assert type(OnDate(dt.datetime(2026, 1, 1, 12)).date) is dt.date
    assert type(Period(dt.datetime(2026, 1, 1, 12), date(2026, 1, 2)).start) is dt.date


# -- refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["bientôt", "quand possible", "Choisissez un élément.", "2026 à confirmer",
                                  "Hiver", "Juillet", "2026-3", ""])
def test_unknown_wording_is_refused_with_the_accepted_forms(text):
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(text)
    assert caught.value.accepted == ACCEPTED_FORMS
    for form in ACCEPTED_FORMS:
        assert form in str(caught.value)


@pytest.mark.parametrize(("text", "reason"), [
    ("2026-2025", "goes backwards"),
    ("2026-2026", "two different years"),
    ("31 février 2026", "no day 31"),
    ("2026-13", "no month 13"),
    ("exercice 2020-2022", "two consecutive years"),
    ("Hiver 2019-2021", "two consecutive years"),
    ("Automne 2019-2020", "only a winter"),
    ("0 fois par année", "1 to 366"),
    ("Hiver", "needs a year"),
])
def test_impossible_content_is_refused_with_a_reason(text, reason):
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(text)
    assert reason in caught.value.reason


def test_free_text_is_kept_when_allowed():
    schedule = parse_schedule("bientôt", allow_free_text=True)
    assert schedule == Schedule("bientôt", (FreeText("bientôt"),))
    assert schedule.kinds == ("free_text",)
    assert schedule.bounds(CAL) is None and schedule.occurrences(CAL.start, CAL.end, CAL) == []
    assert parse_schedule("2026", allow_free_text=True).parts == (InYear(2026),)


def test_every_example_of_the_accepted_forms_parses():
    examples = [e for form in ACCEPTED_FORMS for e in re.findall(r"« (.+?) »|'(.+?)'", form)]
    examples = [french or english for french, english in examples]
    assert len(examples) > 30
    for example in examples:
        assert parse_schedule(example).parts, example


def test_every_example_in_the_docs_parses():
    section = DOCS.read_text(encoding="utf-8").split("## Accepted forms")[1].split("## Every form and its reading")[0]
    rows = [line.split("|") for line in section.splitlines() if line.startswith("| `")]
    examples = [e for row in rows for cell in row[2:4] for e in re.findall(r"`([^`]+)`", cell)]
    assert len(examples) > 50
    for row in rows:
        kind = re.search(r"`(\w+)`", row[1]).group(1)
        for example in re.findall(r"`([^`]+)`", row[2] + row[3]):
            assert parse_schedule(example).kinds == (kind,), example


# -- properties -----------------------------------------------------------------------------------

FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
FR_SEASONS = {"winter": "Hiver", "spring": "Printemps", "summer": "Été", "autumn": "Automne"}
EN_SEASONS = {"winter": "Winter", "spring": "Spring", "summer": "Summer", "autumn": "Autumn"}
NOTE_WORDS = ["pour", "les", "ajouts", "rencontres", "individuelles", "membres", "suivis", "du", "comité"]

years = st.integers(1900, 2198)
seasons = st.sampled_from(sorted(FR_SEASONS))
months = st.integers(1, 12)
dates = st.dates(date(1900, 1, 1), date(2199, 12, 31))
notes = st.lists(st.sampled_from(NOTE_WORDS), min_size=1, max_size=4).map(lambda ws: "pour " + " ".join(ws))


def _fr_date(day: date) -> str:
    return f"{day.day}{'er' if day.day == 1 else ''} {FR_MONTHS[day.month - 1]} {day.year}"


def _de(month: int) -> str:
    name = FR_MONTHS[month - 1]
    return f"d'{name}" if name[0] in "aeiouéè" else f"de {name}"


#: (part, French text) pairs, one strategy per kind of part
french_parts = st.one_of(
    dates.map(lambda d: (OnDate(d), _fr_date(d))),
    st.tuples(years, months).map(lambda ym: (InMonth(*ym), f"{FR_MONTHS[ym[1] - 1].capitalize()} {ym[0]}")),
    st.tuples(seasons, years).map(lambda sy: (InSeason(*sy), f"{FR_SEASONS[sy[0]]} {sy[1]}")),
    years.map(lambda y: (InSeason("winter", y, y + 1), f"Hiver {y}-{y + 1}")),
    years.map(lambda y: (InYear(y), str(y))),
    years.map(lambda y: (InYear(y, continuing=True), f"Poursuite en {y}")),
    st.tuples(years, st.integers(1, 10)).map(lambda yn: (YearSpan(yn[0], min(yn[0] + yn[1], 2199)),
                                                          f"{yn[0]}-{min(yn[0] + yn[1], 2199)}")),
    years.map(lambda y: (FiscalYear(y), f"exercice {y}-{y + 1}")),
    st.just((Continuous(), "En continu")),
    notes.map(lambda n: (Continuous(note=n), f"En continu {n}")),
    st.integers(1, 366).map(lambda n: (Recurrence(times_per_year=n), f"{n} fois par année")),
    seasons.map(lambda s: (Recurrence(season=s), f"Annuellement {FR_SEASONS[s]}")),
    seasons.map(lambda s: (Recurrence(season=s), f"chaque {FR_SEASONS[s].lower()}")),
    months.map(lambda m: (Recurrence(month=m), f"chaque mois {_de(m)}")),
    st.just((Relative("project_end"), "À la fin de chaque projet")),
)

english_parts = st.one_of(
    dates.map(lambda d: (OnDate(d), f"{EN_MONTHS[d.month - 1]} {d.day}, {d.year}")),
    dates.map(lambda d: (OnDate(d), f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}")),
    dates.map(lambda d: (OnDate(d), d.isoformat())),
    st.tuples(years, months).map(lambda ym: (InMonth(*ym), f"{EN_MONTHS[ym[1] - 1]} {ym[0]}")),
    st.tuples(years, months).map(lambda ym: (InMonth(*ym), f"{ym[0]}-{ym[1]:02d}")),
    st.tuples(seasons, years).map(lambda sy: (InSeason(*sy), f"{EN_SEASONS[sy[0]]} {sy[1]}")),
    years.map(lambda y: (InYear(y, continuing=True), f"Continuing in {y}")),
    years.map(lambda y: (FiscalYear(y), f"FY {y}-{y + 1}")),
    seasons.map(lambda s: (Recurrence(season=s), f"Every {EN_SEASONS[s].lower()}")),
)

SEPARATORS = [" → ", " et ", ", ", " • ", " ⇒ ", "<br>", " and "]


@st.composite
def combinations(draw):
    """Several parts written one after the other, joined by a connector or a separator."""
    pairs = draw(st.lists(st.one_of(french_parts, english_parts), min_size=1, max_size=4))
    text = pairs[0][1]
    for _, piece in pairs[1:]:
        text += draw(st.sampled_from(SEPARATORS)) + piece
    return tuple(part for part, _ in pairs), text


@st.composite
def contexts(draw):
    start = draw(st.dates(date(1950, 1, 1), date(2150, 12, 31)))
    end = start + dt.timedelta(days=draw(st.integers(0, 4 * 366)))
    events = draw(st.lists(st.dates(start - dt.timedelta(days=400), end + dt.timedelta(days=400)), max_size=5))
    return ScheduleContext(start, end, fiscal_years=draw(st.booleans()), events={"project_end": events})


@st.composite
def windows(draw, ctx):
    low, high = ctx.start - dt.timedelta(days=800), ctx.end + dt.timedelta(days=800)
    first, second = draw(st.dates(low, high)), draw(st.dates(low, high))
    return min(first, second), max(first, second)


@given(french_parts)
def test_french_text_parses_back_to_its_part(pair):
    part, text = pair
    assert parse_schedule(text).parts == (part,)


@given(english_parts)
def test_english_text_parses_back_to_its_part(pair):
    part, text = pair
    assert parse_schedule(text).parts == (part,)


@given(combinations())
def test_combinations_parse_back_to_their_parts(combination):
    parts, text = combination
    schedule = parse_schedule(text)
    assert schedule.parts == parts
    assert schedule.text == text


@settings(max_examples=150, deadline=None)
@given(combinations(), st.data())
def test_bounds_and_occurrences_are_consistent(combination, data):
    parts, text = combination
    ctx = data.draw(contexts())
    start, end = data.draw(windows(ctx))
    schedule = parse_schedule(text)
    bounds = schedule.bounds(ctx)
    assert bounds is None or bounds.start <= bounds.end
    found = schedule.occurrences(start, end, ctx)
    assert found == sorted(set(found))
    for period in found:
        assert start <= period.start <= period.end <= end
        assert bounds is not None and bounds.start <= period.start and period.end <= bounds.end
    assert schedule.is_due_between(start, end, ctx) is bool(found)
    if bounds is not None:
        assert schedule.is_due_between(bounds.start, bounds.end, ctx)


@settings(max_examples=300)
@given(st.text())
def test_arbitrary_text_raises_nothing_but_schedule_error(text):
    try:
        schedule = parse_schedule(text)
    except ScheduleError as error:
        assert error.text == text
        free = parse_schedule(text, allow_free_text=True)
        assert free.parts == (FreeText(text),) and free.text == text
    else:
        assert schedule.text == text and schedule.parts


@given(st.lists(st.sampled_from(["en", "continu", "2026", "hiver", "et", "pour", "→", "-", "2025", "mars",
                                 "31", "chaque", "automne", "<p>", ",", "fin", "de", "projet", "fois", "par",
                                 "année", "FY", "exercice", "1er", "mi-", "à", "la", "l'", "x"]),
                max_size=8).map(" ".join))
def test_word_salad_raises_nothing_but_schedule_error(text):
    try:
        parse_schedule(text)
    except ScheduleError:
        pass
