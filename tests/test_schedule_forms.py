"""Schedule forms beyond the seed documents: quarters, semesters, parts of a period, ranges,
deadlines, starts, frequencies and the unscheduled kind — their readings, the docs table that
states them, their families (hypothesis), the round trip through documents, and the consumers
(progress is in test_progress.py; the calendar, the quarter's list and the timeline here)."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import re
from datetime import date
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import actionplan
from actionplan.errors import ScheduleError
from actionplan.schedules import (
    Deadline,
    InMonth,
    InQuarter,
    InSeason,
    InSemester,
    InYear,
    OnDate,
    Period,
    Portion,
    Range,
    Recurrence,
    Schedule,
    ScheduleContext,
    Start,
    Unscheduled,
    parse_schedule,
)

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "schedules.md"
#: The context the docs table is read in: a calendar plan for 2026.
CAL = ScheduleContext(date(2026, 1, 1), date(2026, 12, 31))
NONE = "—"


def P(start: str, end: str | None = None) -> Period:
    return Period(date.fromisoformat(start), date.fromisoformat(end or start))


# -- every phrase of the issue, read as people mean it ---------------------------------------------

ISSUE = [
    ("D'ici juin 2026", Deadline(InMonth(2026, 6))),
    ("Printemps-été 2026", Range(InSeason("spring", 2026), InSeason("summer", 2026))),
    ("Été-automne 2026", Range(InSeason("summer", 2026), InSeason("autumn", 2026))),
    ("T2 2026", InQuarter(2026, 2)),
    ("Q3 2026", InQuarter(2026, 3)),
    ("Q1 2026-2027", InQuarter(2026, 1, fiscal=True)),
    ("1er trimestre 2026-2027", InQuarter(2026, 1, fiscal=True)),
    ("By fall 2026", Deadline(InSeason("autumn", 2026))),
    ("Au besoin", Unscheduled("as_needed")),
    ("À déterminer", Unscheduled("to_be_determined")),
    ("Dès janvier 2026", Start(InMonth(2026, 1))),
    ("Janvier à mars 2026", Range(InMonth(2026, 1), InMonth(2026, 3))),
    ("Hebdomadaire", Recurrence(times_per_year=52)),
    ("Fin 2026", Portion("late", InYear(2026))),
    ("Début 2026", Portion("early", InYear(2026))),
    ("mi-mars 2026", Portion("mid", InMonth(2026, 3))),
    ("Avant le 15 mai 2026", Deadline(OnDate(date(2026, 5, 15)), before=True)),
]


@pytest.mark.parametrize(("text", "part"), ISSUE, ids=[i[0] for i in ISSUE])
def test_the_phrases_of_the_issue_are_read_as_meant(text, part):
    schedule = parse_schedule(text)
    assert schedule.parts == (part,)
    assert schedule.text == text


def test_the_days_the_phrases_of_the_issue_mean():
    def read(text):
        (part,) = parse_schedule(text).parts
        return part

    assert read("D'ici juin 2026").date(CAL) == date(2026, 6, 30)
    assert read("Avant le 15 mai 2026").date(CAL) == date(2026, 5, 14)
    assert read("By fall 2026").date(CAL) == date(2026, 12, 20)
    assert read("Dès janvier 2026").date(CAL) == date(2026, 1, 1)
    assert read("Fin 2026").bounds(CAL) == P("2026-10-01", "2026-12-31")
    assert read("Début 2026").bounds(CAL) == P("2026-01-01", "2026-03-31")
    assert read("mi-mars 2026").bounds(CAL) == P("2026-03-11", "2026-03-20")
    assert read("Q1 2026-2027").bounds(CAL) == P("2026-04-01", "2026-06-30")
    assert read("T2 2026").bounds(CAL) == P("2026-04-01", "2026-06-30")
    assert read("Printemps-été 2026").bounds(CAL) == P("2026-03-21", "2026-09-22")
    assert read("Au besoin").bounds(CAL) is None


def test_fiscal_quarters_do_not_depend_on_the_context():
    fiscal = attrs.evolve(CAL, fiscal_years=True)
    for text in ("T1 2026", "Q1 2026-2027", "S2 2026-2027"):
        assert parse_schedule(text).bounds(fiscal) == parse_schedule(text).bounds(CAL)


ENGLISH = [
    ("by June 2026", "d'ici juin 2026"),
    ("no later than May 15, 2026", "au plus tard le 15 mai 2026"),
    ("before May 15, 2026", "avant le 15 mai 2026"),
    ("by the end of 2026", "d'ici la fin de 2026"),
    ("starting January 2026", "dès janvier 2026"),
    ("from May 15, 2026", "à partir du 15 mai 2026"),
    ("from January to March 2026", "de janvier à mars 2026"),
    ("spring-summer 2026", "printemps-été 2026"),
    ("early 2026", "début 2026"),
    ("mid-March 2026", "mi-mars 2026"),
    ("late 2026", "fin 2026"),
    ("Q2 2026", "T2 2026"),
    ("first quarter of 2026-2027", "1er trimestre 2026-2027"),
    ("H1 2026", "S1 2026"),
    ("weekly", "hebdomadaire"),
    ("biweekly", "aux deux semaines"),
    ("twice a month", "bimensuel"),
    ("quarterly", "trimestriel"),
    ("As needed", "Au besoin"),
    ("TBD", "À déterminer"),
]


@pytest.mark.parametrize(("english", "french"), ENGLISH, ids=[e[0] for e in ENGLISH])
def test_english_reads_like_french(english, french):
    assert parse_schedule(english).parts == parse_schedule(french).parts


TOLERATED = [
    ("D’ici juin 2026", "D'ici juin 2026"),
    ("d'ici JUIN 2026", "D'ici juin 2026"),
    ("DES JANVIER 2026", "Dès janvier 2026"),
    ("a determiner", "À déterminer"),
    ("AU BESOIN", "Au besoin"),
    ("printemps – été 2026", "Printemps-été 2026"),
    ("Ete-Automne 2026", "Été-automne 2026"),
    ("janvier – mars 2026", "Janvier à mars 2026"),
    ("t2 2026", "T2 2026"),
    ("1ER TRIMESTRE 2026-27", "1er trimestre 2026-2027"),
    ("mi mars 2026", "mi-mars 2026"),
    ("avant le 15 mai 2026.", "Avant le 15 mai 2026"),
    ("à compter d’avril 2026", "à partir d'avril 2026"),
    ("hebdomadairement", "Hebdomadaire"),
]


@pytest.mark.parametrize(("variant", "canonical"), TOLERATED, ids=[t[0] for t in TOLERATED])
def test_variants_are_tolerated(variant, canonical):
    assert parse_schedule(variant).parts == parse_schedule(canonical).parts


def test_unscheduled_keeps_a_note_and_a_note_may_say_au_besoin():
    assert parse_schedule("Au besoin, selon les demandes des partenaires").parts == (
        Unscheduled("as_needed", note="selon les demandes des partenaires"),)
    assert parse_schedule("En continu au besoin").parts[0].note == "au besoin"


@pytest.mark.parametrize(("text", "reason"), [
    ("novembre à février 2027", "goes backwards"),
    ("automne-hiver 2026", "goes backwards"),
    ("du 15 au 1er mars 2026", "goes backwards"),
    ("T1 2026-2028", "two consecutive years"),
    ("3e semestre 2026", "2 semesters, not 3"),
    ("T5 2026", "cannot read"),
    ("À déterminer 2026", "stands alone"),
    ("2026 → Au besoin", "stands alone"),
    ("2026 à confirmer", "cannot read"),
    ("d'ici juin", "cannot read"),
    ("dès", "cannot read"),
    ("40 fois par mois", "1 to 366"),
    ("d'ici le 31 février 2026", "no day 31"),
])
def test_impossible_or_contradictory_forms_are_refused_with_a_reason(text, reason):
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(text)
    assert reason in caught.value.reason
    assert caught.value.text == text


@pytest.mark.parametrize("make", [
    lambda: InQuarter(2026, 5),
    lambda: InSemester(2026, 3),
    lambda: InQuarter(2026, 1, fiscal="yes"),
    lambda: Portion("soon", InYear(2026)),
    lambda: Portion("early", OnDate(date(2026, 1, 1))),
    lambda: Range(InMonth(2026, 3), InMonth(2026, 1)),
    lambda: Range(InMonth(2026, 3), InMonth(2026, 3)),
    lambda: Deadline("juin 2026"),
    lambda: Start(Unscheduled("as_needed")),
    lambda: Unscheduled("later"),
])
def test_new_parts_validate_their_fields(make):
    with pytest.raises((ValueError, TypeError)):
        make()


# -- the docs table, read by the parser ---------------------------------------------------------------


def _recurrence_text(part: Recurrence) -> str:
    if part.season is not None:
        return f"each {part.season}"
    if part.month is not None:
        return f"each {calendar.month_name[part.month]}"
    return f"{part.times_per_year} a year"


def reading(schedule: Schedule, ctx: ScheduleContext) -> tuple[str, str, str, str, str]:
    """(kind, start, end, deadline, recurrence) as the docs table writes them."""
    starts, ends, deadlines, recurrences = [], [], [], []
    for part in schedule.parts:
        if isinstance(part, Deadline):
            deadlines.append(part.date(ctx))
            continue
        if isinstance(part, Start):
            starts.append(part.date(ctx))
            continue
        if isinstance(part, Recurrence):
            recurrences.append(_recurrence_text(part))
        bounds = part.bounds(ctx)
        if bounds is not None:
            starts.append(bounds.start)
            ends.append(bounds.end)

    def show(days, pick):
        return pick(days).isoformat() if days else NONE

    return (" + ".join(schedule.kinds), show(starts, min), show(ends, max), show(deadlines, max),
            ", ".join(recurrences) or NONE)


def doc_readings() -> list[tuple[str, tuple[str, ...]]]:
    section = DOCS.read_text(encoding="utf-8").split("## Every form and its reading")[1].split("\n## ")[0]
    rows = []
    for line in section.splitlines():
        if line.startswith("| `"):
            cells = [cell.strip() for cell in line.strip("|").split(" | ")]
            rows.append((re.fullmatch(r"`(.+)`", cells[0]).group(1), tuple(cells[1:])))
    return rows


DOC_ROWS = doc_readings()


def test_the_docs_table_covers_the_issue_and_every_kind():
    phrases = {phrase for phrase, _ in DOC_ROWS}
    assert len(DOC_ROWS) > 120
    assert {text for text, _ in ISSUE} <= phrases
    kinds = {kind for _, (kind, *_rest) in DOC_ROWS}
    assert {"date", "month", "season", "year", "quarter", "semester", "portion", "range", "deadline", "start",
            "year_span", "fiscal_year", "continuous", "recurrence", "relative", "unscheduled"} <= kinds


@pytest.mark.parametrize(("phrase", "expected"), DOC_ROWS, ids=[row[0] for row in DOC_ROWS])
def test_every_phrase_of_the_docs_reads_as_its_row_says(phrase, expected):
    schedule = parse_schedule(phrase)
    assert schedule.text == phrase
    assert reading(schedule, CAL) == expected


def test_every_phrase_of_the_docs_survives_a_round_trip_through_a_document():
    plan = actionplan.load(ROOT / "examples" / "concertation-horizon-2026.yaml")
    texts = [phrase for phrase, _ in DOC_ROWS]
    again = actionplan.loads(actionplan.dumps(with_schedules(plan, dict(zip(action_ids(plan), texts)))))
    for (_, _, action), text in zip(again.iter_actions(), texts):
        assert action.schedule == parse_schedule(text)


# -- families (hypothesis) ----------------------------------------------------------------------------

FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre"]
EN_MONTHS = list(calendar.month_name)[1:]
FR_SEASONS = {"winter": "hiver", "spring": "printemps", "summer": "été", "autumn": "automne"}
EN_SEASONS = {"winter": "winter", "spring": "spring", "summer": "summer", "autumn": "fall"}
ORDER = ("winter", "spring", "summer", "autumn")  # within one written year
FR_PORTIONS = {"early": "début", "mid": "mi-", "late": "fin"}
EN_PORTIONS = {"early": "early", "mid": "mid-", "late": "late"}
FR_ORDINALS = {1: "1er", 2: "2e", 3: "3e", 4: "4e"}
EN_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth"}

years = st.integers(1901, 2197)
months = st.integers(1, 12)
seasons = st.sampled_from(ORDER)
portions = st.sampled_from(sorted(FR_PORTIONS))
dates = st.dates(date(1901, 1, 1), date(2197, 12, 31))
capitalise = st.sampled_from([str, str.capitalize, str.upper, str.lower])
apostrophes = st.sampled_from(["'", "’"])


def _fr_date(day: date) -> str:
    return f"{day.day}{'er' if day.day == 1 else ''} {FR_MONTHS[day.month - 1]} {day.year}"


def _portion_text(words: dict[str, str], which: str, rest: str) -> str:
    word = words[which]
    return f"{word}{rest}" if word.endswith("-") else f"{word} {rest}"


@st.composite
def blocks(draw, lang: str):
    """(part, text) of a block of time a deadline or a start can be made of."""
    choice = draw(st.sampled_from(["date", "month", "season", "year", "quarter", "semester", "portion"]))
    year = draw(years)
    if choice == "date":
        day = draw(dates)
        return OnDate(day), _fr_date(day) if lang == "fr" else f"{EN_MONTHS[day.month - 1]} {day.day}, {day.year}"
    if choice == "month":
        month = draw(months)
        return InMonth(year, month), f"{(FR_MONTHS if lang == 'fr' else EN_MONTHS)[month - 1]} {year}"
    if choice == "season":
        season = draw(seasons)
        return InSeason(season, year), f"{(FR_SEASONS if lang == 'fr' else EN_SEASONS)[season]} {year}"
    if choice == "year":
        return InYear(year), str(year)
    if choice in ("quarter", "semester"):
        cls, highest = (InQuarter, 4) if choice == "quarter" else (InSemester, 2)
        index, fiscal = draw(st.integers(1, highest)), draw(st.booleans())
        written = f"{year}-{year + 1}" if fiscal else str(year)
        if draw(st.booleans()):
            letter = ("T" if lang == "fr" else "Q") if choice == "quarter" else ("S" if lang == "fr" else "H")
            text = f"{letter}{index} {written}"
        elif lang == "fr":
            text = f"{FR_ORDINALS[index]} {'trimestre' if choice == 'quarter' else 'semestre'} {written}"
        else:
            text = f"{EN_ORDINALS[index]} {'quarter' if choice == 'quarter' else 'half'} of {written}"
        return cls(year, index, fiscal=fiscal), text
    which = draw(portions)
    names = FR_MONTHS if lang == "fr" else EN_MONTHS
    inner, inner_text = draw(st.one_of(
        st.tuples(years, months).map(lambda ym: (InMonth(*ym), f"{names[ym[1] - 1]} {ym[0]}")),
        years.map(lambda y: (InYear(y), str(y))),
    ))
    return Portion(which, inner), _portion_text(FR_PORTIONS if lang == "fr" else EN_PORTIONS, which, inner_text)


DEADLINE_WORDS = {"fr": (["d'ici", "au plus tard"], ["avant"]), "en": (["by", "no later than"], ["before"])}
START_WORDS = {"fr": ["dès", "à partir de"], "en": ["from", "starting"]}


@st.composite
def deadlines(draw):
    lang = draw(st.sampled_from(["fr", "en"]))
    block, text = draw(blocks(lang))
    before = draw(st.booleans())
    word = draw(st.sampled_from(DEADLINE_WORDS[lang][before]))
    article = "le " if lang == "fr" and isinstance(block, OnDate) else ""
    if lang == "fr" and isinstance(block, Portion) and block.which == "late":
        block, before = block.of, False  # « d'ici fin mars », « avant fin mars »: by the last day of March
    return Deadline(block, before=before), draw(capitalise)(f"{word} {article}{text}").replace("'", draw(apostrophes))


@st.composite
def starts(draw):
    lang = draw(st.sampled_from(["fr", "en"]))
    block, text = draw(blocks(lang))
    word = draw(st.sampled_from(START_WORDS[lang]))
    if word == "à partir de" and isinstance(block, OnDate):
        word = "à partir du"
    elif word == "à partir de" and text[0].lower() in "aeiouéè":
        return Start(block), f"à partir d'{text}"
    return Start(block), f"{word} {text}"


@st.composite
def ranges(draw):
    lang = draw(st.sampled_from(["fr", "en"]))
    year = draw(years)
    if draw(st.booleans()):  # months of one year, or of two
        first, last = sorted(draw(st.lists(months, min_size=2, max_size=2, unique=True)))
        names = FR_MONTHS if lang == "fr" else EN_MONTHS
        if draw(st.booleans()):
            part = Range(InMonth(year, last), InMonth(year + 1, first))
            text = f"{names[last - 1]} {year} {'à' if lang == 'fr' else 'to'} {names[first - 1]} {year + 1}"
        else:
            part = Range(InMonth(year, first), InMonth(year, last))
            sep = draw(st.sampled_from([" à ", "-", " – "] if lang == "fr" else [" to ", "-", " through "]))
            text = f"{names[first - 1]}{sep}{names[last - 1]} {year}"
    else:
        first, last = sorted(draw(st.lists(st.integers(0, 3), min_size=2, max_size=2, unique=True)))
        names = FR_SEASONS if lang == "fr" else EN_SEASONS
        part = Range(InSeason(ORDER[first], year), InSeason(ORDER[last], year))
        text = f"{names[ORDER[first]]}-{names[ORDER[last]]} {year}"
    return part, draw(capitalise)(text)


@st.composite
def frequencies(draw):
    words = {52: ["hebdomadaire", "chaque semaine", "weekly", "every week"],
             26: ["aux deux semaines", "toutes les deux semaines", "biweekly", "every two weeks"],
             24: ["bimensuel", "2 fois par mois", "twice a month"], 12: ["mensuel", "monthly", "chaque mois"],
             6: ["bimestriel", "every two months"], 4: ["trimestriel", "quarterly"], 2: ["semestriel", "semi-annually"]}
    times = draw(st.sampled_from(sorted(words)))
    return Recurrence(times_per_year=times), draw(capitalise)(draw(st.sampled_from(words[times])))


@st.composite
def contexts(draw):
    start = draw(st.dates(date(1950, 1, 1), date(2150, 12, 31)))
    end = start + dt.timedelta(days=draw(st.integers(0, 4 * 366)))
    return ScheduleContext(start, end, fiscal_years=draw(st.booleans()))


new_forms = st.one_of(deadlines(), starts(), ranges(), frequencies(), blocks("fr"), blocks("en"))


#: The machine running the suite may be busy: slow generation is not a failure here.
RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RELAXED
@given(new_forms)
def test_each_family_parses_back_to_its_part_keeping_its_text(pair):
    part, text = pair
    schedule = parse_schedule(text)
    assert schedule.parts == (part,), text
    assert schedule.text == text


@settings(RELAXED, max_examples=200)
@given(new_forms, contexts())
def test_invariants_of_the_new_forms(pair, ctx):
    part, text = pair
    schedule = parse_schedule(text)
    bounds = schedule.bounds(ctx)
    assert bounds is not None and bounds.start <= bounds.end
    if isinstance(part, Deadline):
        day = part.date(ctx)
        assert not hasattr(part, "start")  # a deadline has no start of its own
        assert bounds.end == day and schedule.occurrences(bounds.start, bounds.end, ctx) == [Period.day(day)]
        whole = part.by.bounds(ctx)
        assert day == (whole.start - dt.timedelta(days=1) if part.before else whole.end)
    elif isinstance(part, Start):
        assert bounds.start == part.date(ctx) == part.on.bounds(ctx).start
        assert bounds.end == max(ctx.end, bounds.start)
    elif isinstance(part, Range):
        first, last = part.first.bounds(ctx), part.last.bounds(ctx)
        assert bounds == Period(first.start, last.end) and first.start < last.start
    elif isinstance(part, Portion):
        assert part.of.bounds(ctx).start <= bounds.start <= bounds.end <= part.of.bounds(ctx).end
        assert bounds != part.of.bounds(ctx)  # a part is never the whole
    found = schedule.occurrences(bounds.start, bounds.end, ctx)
    assert found and all(bounds.start <= p.start <= p.end <= bounds.end for p in found)


@RELAXED
@given(st.sampled_from(["Au besoin", "À déterminer", "à confirmer", "As needed", "TBD", "selon les besoins"]),
       contexts())
def test_unscheduled_is_never_due(text, ctx):
    schedule = parse_schedule(text)
    assert schedule.unscheduled and schedule.kinds == ("unscheduled",)
    assert schedule.bounds(ctx) is None
    assert schedule.occurrences(ctx.start - dt.timedelta(days=999), ctx.end + dt.timedelta(days=999), ctx) == []


def test_portions_of_a_month_are_its_three_decades():
    for month in range(1, 13):
        parts = [Portion(which, InMonth(2024, month)).bounds(CAL) for which in ("early", "mid", "late")]
        assert [p.start.day for p in parts] == [1, 11, 21]
        assert parts[-1].end == InMonth(2024, month).bounds(CAL).end
        assert all(a.end + dt.timedelta(days=1) == b.start for a, b in itertools.pairwise(parts))


# -- round trip through documents ----------------------------------------------------------------------


def action_ids(plan) -> list[str]:
    return [action.id for _, _, action in plan.iter_actions()]


def with_schedules(plan, texts: dict[str, str]):
    """The plan with the schedules of some actions (by id) replaced."""
    themes = []
    for theme in plan.themes:
        objectives = []
        for objective in theme.objectives:
            actions = tuple(attrs.evolve(a, schedule=parse_schedule(texts[a.id])) if a.id in texts else a
                            for a in objective.actions)
            objectives.append(attrs.evolve(objective, actions=actions))
        themes.append(attrs.evolve(theme, objectives=tuple(objectives)))
    return attrs.evolve(plan, themes=tuple(themes))


@pytest.fixture(scope="module")
def horizon():
    return actionplan.load(ROOT / "examples" / "concertation-horizon-2026.yaml")


@settings(RELAXED, max_examples=25)
@given(st.lists(new_forms, min_size=1, max_size=5))
def test_a_document_dumped_and_loaded_keeps_its_schedules(horizon, pairs):
    ids = action_ids(horizon)[: len(pairs)]
    plan = with_schedules(horizon, {i: text for i, (_, text) in zip(ids, pairs)})
    again = actionplan.loads(actionplan.dumps(plan))
    kept = {action.id: action.schedule for _, _, action in again.iter_actions()}
    for i, (part, text) in zip(ids, pairs):
        assert kept[i].text == text and kept[i].parts == (part,)


# -- consumers: the quarter's list, the calendar, the timeline -------------------------------------


def test_what_is_due_this_quarter(horizon):
    from actionplan.cli.plan_commands import due_between

    ids = action_ids(horizon)
    texts = dict(zip(ids, ["Au besoin", "À déterminer", "D'ici juin 2026", "D'ici mars 2026", "Dès avril 2026",
                           "Dès janvier 2026", "Fin 2026", "T2 2026", "Q1 2026-2027"]))
    plan = with_schedules(horizon, texts)
    due, continuous, whole = due_between(plan, date(2026, 4, 1), date(2026, 6, 30), CAL)
    due_ids = {item.action.id for item in due}
    ongoing = {action.id for _, action in continuous}
    assert not set(ids[:9]) & {action.id for _, action in whole}  # each of these has its place above
    assert {ids[2], ids[4], ids[7], ids[8]} <= due_ids  # by June, from April, T2, fiscal T1
    assert ids[5] in ongoing  # started in January: counted with the continuous ones
    assert not {ids[0], ids[1], ids[3], ids[6]} & (due_ids | ongoing)  # unscheduled, by March, late 2026


def _events(payload: bytes, kind: str = "VEVENT"):
    icalendar = pytest.importorskip("icalendar")
    return list(icalendar.Calendar.from_ical(payload).walk(kind))


def test_the_calendar_shows_deadlines_and_nothing_for_unscheduled(horizon):
    pytest.importorskip("icalendar")
    from actionplan.reports import render_report

    meetings = "va-o1-a1"  # « Tenue des rencontres », 4 meetings: a to-do due at the end of its schedule
    assert meetings in action_ids(horizon)
    deadline = next(i for i in action_ids(horizon) if i != meetings)
    plan = with_schedules(horizon, {meetings: "Au besoin", deadline: "Avant le 15 mai 2026"})
    payload = render_report(plan, "ics", as_of=date(2026, 4, 1), lang="fr")
    found = _events(payload)
    uids = [str(e["uid"]) for e in found + _events(payload, "VTODO")]
    assert not [u for u in uids if f".{meetings}" in u or "va-o1-a1-i1" in u]
    (event,) = [e for e in found if str(e["uid"]).startswith(f"{plan.id}.{deadline}.p0")]
    assert event["dtstart"].dt == date(2026, 5, 14) and event["dtend"].dt == date(2026, 5, 15)
    before = _events(render_report(horizon, "ics", as_of=date(2026, 4, 1), lang="fr"), "VTODO")
    assert [e for e in before if "va-o1-a1-i1" in str(e["uid"])]  # with its own schedule, the meetings are there


def test_the_timeline_marks_a_deadline_and_leaves_unscheduled_undated(horizon):
    from actionplan.progress import plan_progress
    from actionplan.reports.labels import localizer
    from actionplan.reports.timeline import build_timeline
    from actionplan.reports.view import PlanView

    ids = action_ids(horizon)
    plan = with_schedules(horizon, {ids[0]: "Au besoin", ids[1]: "D'ici juin 2026", ids[2]: "Janvier à mars 2026"})
    view = PlanView(plan, plan_progress(plan, date(2026, 4, 1)), localizer("fr"))
    rows = {row.action.action.id: row for row in build_timeline(view).rows}
    assert not [s for s in rows[ids[0]].segments if s.kind != "measure"]
    assert [(s.kind, s.start, s.end) for s in rows[ids[1]].segments if s.kind != "measure"] == [
        ("marker", date(2026, 6, 30), date(2026, 6, 30))]
    assert [(s.kind, s.start, s.end) for s in rows[ids[2]].segments if s.kind != "measure"] == [
        ("span", date(2026, 1, 1), date(2026, 3, 31))]


@pytest.mark.parametrize(("text", "french"), [
    ("novembre à février 2027", "la plage va à rebours"),
    ("À déterminer 2026", "« au besoin » ou « à déterminer » s'écrit seul"),
    ("3e semestre 2026", "une année compte 2 semestres, pas 3"),
    ("T5 2026", "illisible"),
])
def test_the_new_refusals_speak_french(text, french):
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(text)
    line = caught.value.message("fr")
    assert french in line and "cannot" not in line and "goes backwards" not in line, line
