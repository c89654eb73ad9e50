"""Property tests of the document format: generated plans survive dump → load in YAML and JSON,
and generated bad documents give only ``ValidationError``s whose issues all say where.

They also guard the fast converter (whose structuring and unstructuring functions are generated
per class): on every generated document, valid or not, it must agree with its detailed twin.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import actionplan
from actionplan import convert
from actionplan.documents import from_data, to_data
from actionplan.model import (
    DIRECTIONS,
    LEVELS,
    ROLES,
    THEME_KINDS,
    Action,
    ActionPlan,
    Indicator,
    Measurement,
    Objective,
    Organisation,
    Participation,
    Period,
    Section,
    Target,
    Task,
    Territory,
    Theme,
)
from actionplan.schedules import parse_schedule
from actionplan.territories import default_gazetteer

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Schedules as plans write them; each must parse (checked below, so this list cannot rot).
SCHEDULES = (
    "2026", "En continu", "2025-2026", "Hiver 2026", "Poursuite en 2026", "En continu 2026", "31 mars 2026",
    "1er mars 2026", "Automne 2026", "Hiver 2019-2020", "2 fois par année", "Une rencontre", "mi-mars 2026",
    "chaque automne", "chaque mois de juin", "mensuellement", "exercice 2025-2026", "FY 2020-2021",
    "À la fin de chaque projet", "au début de chaque projet", "Juillet 2026", "2026-03", "2026-03-31",
    "d'ici le 31 mars 2023", "Ongoing", "Twice a year", "2 fois par année et en continu pour ajouts",
    "→ Une rencontre → En continu", "2019-2020 · 2020-2021 · 2021-2022 · 2022-2023",
)
TERRITORIES = tuple(sorted(default_gazetteer()))
FRENCH = "abcdefghijklmnopqrstuvwxyzàâçéèêëîïôœùûüÿÀÂÇÉÈÊÎÔŒÙ ’'«»-.,:;!?()0123456789"

text = st.text(FRENCH, min_size=1, max_size=40).filter(lambda s: s.strip())
optional_text = st.none() | text
slug = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,12}", fullmatch=True).filter(lambda s: ".." not in s)
amounts = st.decimals(min_value=-10**6, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
counts = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31))
schedules = st.sampled_from(SCHEDULES).map(parse_schedule)


def unique_id(prefix: str, index: int) -> st.SearchStrategy[str]:
    """A valid id, unique by its position, with a random tail to exercise the id rule."""
    return slug.map(lambda tail: f"{prefix}{index}-{tail}")


@st.composite
def measurements(draw, indicator: dict, places: tuple[str, ...]) -> Measurement:
    """A measurement that fits its indicator's kind, as the plan checks want."""
    kind = indicator["kind"]
    fields: dict = {"date": draw(dates), "note": draw(optional_text)}
    if kind == "rate":
        denominator = draw(st.decimals(min_value=1, max_value=10**4, places=1))
        fields |= {"numerator": draw(st.decimals(min_value=0, max_value=denominator, places=1)),
                   "denominator": denominator}
    elif kind == "qualitative":
        fields["level"] = draw(st.sampled_from(indicator["scale"]))
    elif kind in ("deliverable", "milestone"):
        fields["done"] = draw(st.booleans())
    elif kind == "coverage":
        fields["territories"] = tuple(draw(st.lists(st.sampled_from(places), min_size=1, max_size=3)))
    else:
        fields["value"] = draw(counts)
    if draw(st.booleans()):
        fields["territory"] = draw(st.sampled_from(places))
        fields["dimensions"] = draw(st.dictionaries(text, text, max_size=2))
    fields["indicator"] = draw(st.sampled_from((None, indicator["id"])))
    return Measurement(**fields)


@st.composite
def indicators(draw, ident: str, places: tuple[str, ...]) -> Indicator:
    kind = draw(st.sampled_from(("count", "tracked", "rate", "milestone", "deliverable", "coverage", "minimum",
                                 "qualitative")))
    fields: dict = {"id": ident, "label": draw(text), "kind": kind, "unit": draw(optional_text),
                    "baseline": draw(st.none() | amounts), "cumulative": draw(st.booleans()),
                    "direction": draw(st.sampled_from(DIRECTIONS)), "per": draw(optional_text)}
    if kind in ("count", "minimum") or draw(st.booleans()):
        fields["target"] = draw(amounts.filter(bool))
    if kind == "milestone":
        fields["due"] = draw(dates)
    if kind == "coverage":
        fields["target_territories"] = tuple(draw(st.lists(st.sampled_from(places), min_size=1, max_size=3)))
    if kind == "qualitative":
        scale = tuple(draw(st.lists(text, min_size=2, max_size=4, unique=True)))
        fields |= {"scale": scale, "target_level": draw(st.sampled_from(scale))}
    fields["targets"] = tuple(draw(st.lists(st.builds(
        Target, value=amounts, period=st.none() | st.sampled_from(("2026", "2025-2026", "2026-T1")),
        territory=st.none() | st.sampled_from(places)), max_size=2)))
    measures = draw(st.lists(measurements(fields, places), max_size=3))
    return Indicator(**fields, measurements=tuple(measures))


@st.composite
def plans(draw) -> ActionPlan:
    """A plan whose references resolve (organisations, territories) and whose ids are unique."""
    custom = tuple(
        Territory(f"quartier:{k}-{draw(slug)}", draw(text), draw(st.sampled_from(LEVELS)),
                  parent=draw(st.none() | st.sampled_from(TERRITORIES)), code=draw(st.none() | slug))
        for k in range(draw(st.integers(0, 2)))
    )
    places = TERRITORIES + tuple(t.id for t in custom)
    organisations = tuple(
        Organisation(draw(unique_id("org", k)), draw(text), short_name=draw(optional_text),
                     kind=draw(optional_text), territory=draw(st.none() | st.sampled_from(places)))
        for k in range(draw(st.integers(1, 3)))
    )
    org_ids = tuple(o.id for o in organisations)
    themes = []
    for t in range(draw(st.integers(0, 2))):
        objectives = []
        for o in range(draw(st.integers(0, 2))):
            actions = []
            for a in range(draw(st.integers(0, 2))):
                ident = f"t{t}-o{o}-a{a}"
                actions.append(Action(
                    draw(unique_id(f"{ident}-", 0)), draw(text), description=draw(optional_text),
                    partners=tuple(Participation(org, draw(st.sampled_from(ROLES)), note=draw(optional_text))
                                   for org in draw(st.lists(st.sampled_from(org_ids), max_size=2))),
                    territories=tuple(draw(st.lists(st.sampled_from(places), max_size=2))),
                    schedule=draw(st.none() | schedules),
                    indicators=tuple(draw(indicators(f"{ident}-i{n}", places)) for n in range(draw(st.integers(0, 2)))),
                    scale=draw(optional_text), population=draw(optional_text),
                ))
            objectives.append(Objective(draw(unique_id(f"t{t}-o", o)), draw(text), subheading=draw(optional_text),
                                        actions=tuple(actions)))
        themes.append(Theme(draw(unique_id("t", t)), draw(text), draw(st.sampled_from(THEME_KINDS)),
                            heading=draw(optional_text), general_objective=draw(optional_text),
                            objectives=tuple(objectives), number=draw(st.none() | st.integers(1, 20))))
    tasks = tuple(
        Task(draw(unique_id("task", k)), draw(text), tasks=draw(optional_text),
             responsible_organisations=tuple(draw(st.lists(st.sampled_from(org_ids), max_size=2))),
             start=draw(st.none() | schedules), deadline=draw(st.none() | schedules))
        for k in range(draw(st.integers(0, 2)))
    )
    start = draw(dates)
    return ActionPlan(
        draw(slug), draw(text), Period(start, start + dt.timedelta(days=draw(st.integers(0, 1500)))),
        organisation=draw(st.none() | st.sampled_from(org_ids)), fiscal_years=draw(st.booleans()),
        mission=draw(optional_text), context=tuple(draw(st.lists(st.builds(Section, text, text), max_size=2))),
        organisations=organisations, territories=tuple(draw(st.lists(st.sampled_from(places), max_size=3))),
        custom_territories=custom, themes=tuple(themes), tasks=tasks, source=draw(optional_text),
        illustrative=draw(st.booleans()),
    )


def test_every_listed_schedule_parses():
    for schedule in SCHEDULES:
        assert parse_schedule(schedule).text == schedule


@SETTINGS
@given(plans())
def test_dump_then_load_is_identity_in_yaml_and_json(plan):
    for fmt in ("yaml", "json"):
        assert actionplan.loads(actionplan.dumps(plan, fmt), format=fmt) == plan


@SETTINGS
@given(plans())
def test_fast_converter_agrees_with_detailed_one_on_valid_plans(plan):
    data = to_data(plan)
    assert convert.converter.structure(copy.deepcopy(data), ActionPlan) == plan
    assert convert._detailed_converter.structure(copy.deepcopy(data), ActionPlan) == plan


@SETTINGS
@given(plans())
def test_fast_unstructuring_writes_what_cattrs_writes(plan):
    # the fast converter's generated functions against cattrs' own (the detailed twin keeps them);
    # the same keys in the same order, the same values and types
    fast, reference = convert.converter.unstructure(plan), convert._detailed_converter.unstructure(plan)
    assert fast == reference
    assert repr(fast) == repr(reference)


# -- bad documents -------------------------------------------------------------------------------

WRONG_VALUES = ([], {}, {"x": 1}, 1.5, True, None, "quatre", -3, "2026-02-30")
BAD_IDS = ("../etc/passwd", "a b", "", "x\n", "é", "-lead", "a" * 201, 42.0)
BAD_SCHEDULES = ("bientôt peut-être", "31 février 2026", "2026-2025", "", ["2026"])


def _locations(data, path=()):
    """Every (container, key) pair of a plain document, depth first."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield data, key, path + (key,)
            yield from _locations(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield data, index, path + (index,)
            yield from _locations(value, path + (index,))


@st.composite
def bad_documents(draw):
    """Valid plain data with one mutation: a wrong type, an unknown key, a missing key, a bad id or schedule."""
    data = to_data(draw(plans()))
    places = list(_locations(data))
    mappings = [(c, k) for c, k, _ in places if isinstance(c, dict)]
    mutation = draw(st.sampled_from(("wrong_type", "unknown_key", "missing_key", "bad_id", "bad_schedule")))
    if mutation == "wrong_type":
        container, key, _ = draw(st.sampled_from(places))
        container[key] = draw(st.sampled_from(WRONG_VALUES))
    elif mutation == "unknown_key":
        targets = [data] + [c[k] for c, k in mappings if isinstance(c[k], dict)]
        draw(st.sampled_from(targets))[draw(st.sampled_from(("titel", "ident", "mesures", "échéancier")))] = 1
    elif mutation == "missing_key":
        container, key = draw(st.sampled_from(mappings))
        del container[key]
    elif mutation == "bad_id":
        ids = [(c, k) for c, k in mappings if k in ("id", "organisation", "indicator", "territory")]
        container, key = draw(st.sampled_from(ids))
        container[key] = draw(st.sampled_from(BAD_IDS))
    else:
        slots = [(c, k) for c, k in mappings if k in ("schedule", "start", "deadline") and "id" in c]  # not period
        if not slots:
            slots = [(data, "themes")]
            data["themes"] = [{"id": "t", "title": "T", "objectives": [{"id": "o", "title": "O", "actions": [
                {"id": "a", "title": "A"}]}]}]
            slots = [(data["themes"][0]["objectives"][0]["actions"][0], "schedule")]
        container, key = draw(st.sampled_from(slots))
        container[key] = draw(st.sampled_from(BAD_SCHEDULES))
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bad_documents())
def test_bad_documents_give_only_validation_errors_with_paths(data):
    fast_ok = detailed_ok = True
    try:
        convert.converter.structure(copy.deepcopy(data), ActionPlan)
    except Exception:  # noqa: BLE001 - any failure; only agreement matters here
        fast_ok = False
    try:
        convert._detailed_converter.structure(copy.deepcopy(data), ActionPlan)
    except Exception:  # noqa: BLE001
        detailed_ok = False
    assert fast_ok == detailed_ok, "the fast converter and its detailed twin disagree"
    try:
        from_data(data)
    except actionplan.ValidationError as exc:
        assert exc.issues
        for issue in exc.issues:
            assert issue.path, f"an issue without a path: {issue}"
            assert str(issue)
    # A mutation may leave the document valid (an int where text is read as text): then it loads.


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "NaN", "-Infinity", Decimal("NaN")])
def test_numbers_must_be_finite(value):
    data = {"id": "p", "title": "Plan", "period": {"start": "2026-01-01", "end": "2026-12-31"},
            "themes": [{"id": "t", "title": "T", "objectives": [{"id": "o", "title": "O", "actions": [
                {"id": "a", "title": "A", "indicators": [{"id": "i", "label": "I", "kind": "count", "target": value}]}
            ]}]}]}
    with pytest.raises(actionplan.ValidationError) as info:
        from_data(data)
    assert [issue.path for issue in info.value.issues] == ["themes[0].objectives[0].actions[0].indicators[0].target"]


def test_huge_whole_numbers_survive_json():
    # beyond 64 bits (JSON writers refuse such integers), below MAX_NUMBER (the largest a plan may hold)
    plan = actionplan.loads(actionplan.dumps(_plan_with_target(Decimal("1E+20")), "json"), format="json")
    assert plan.themes[0].objectives[0].actions[0].indicators[0].target == Decimal("1E+20")


def test_ids_with_a_trailing_newline_are_refused():
    with pytest.raises(actionplan.ValidationError) as info:
        from_data({"id": "plan\n", "title": "Plan", "period": {"start": "2026-01-01", "end": "2026-12-31"}})
    assert [issue.path for issue in info.value.issues] == ["id"]


def _plan_with_target(target: Decimal) -> ActionPlan:
    indicator = Indicator("i", "Indicateur", "count", target=target)
    action = Action("a", "Action", indicators=(indicator,))
    theme = Theme("t", "Thème", objectives=(Objective("o", "Objectif", actions=(action,)),))
    return ActionPlan("p", "Plan", Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)), themes=(theme,))
