"""The checks' fast path for measurements agrees with the full check, for any measurement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

import attrs

from actionplan.checks import _first_unusual, check_indicator, check_measurement
from actionplan.model import DEFAULT_SCALE, INDICATOR_KINDS, Indicator, Measurement
from actionplan.territories import default_gazetteer

numbers = st.one_of(st.none(), st.sampled_from([Decimal(0), Decimal(1), Decimal(3), Decimal(-1), Decimal(10) ** 22]),
                    st.decimals(allow_nan=False, allow_infinity=False, min_value=-5, max_value=50, places=1))
territories = st.sampled_from(["mrc:roussillon", "mrc:les-maskoutains", "mrc:atlantide"])


def _measurement_is_plain(indicator, measurement, scale, places) -> bool:
    """What the fast path says of ``measurement`` alone in ``indicator``: nothing to check."""
    alone = attrs.evolve(indicator, measurements=(measurement,))
    return _first_unusual(alone, scale, places, 0) == 1


@st.composite
def cases(draw):
    kind = draw(st.sampled_from(sorted(INDICATOR_KINDS)))
    indicator = Indicator(id="i1", label="Indicateur", kind=kind)
    measurement = Measurement(
        date=draw(st.sampled_from([dt.date(2026, 3, 1), dt.date(1, 1, 1), dt.date(9999, 12, 31)])),
        value=draw(numbers), numerator=draw(numbers), denominator=draw(numbers),
        level=draw(st.one_of(st.none(), st.sampled_from([*DEFAULT_SCALE, "parfait"]))),
        done=draw(st.one_of(st.none(), st.booleans())),
        territories=tuple(draw(st.lists(territories, max_size=2))),
        territory=draw(st.one_of(st.none(), territories)),
        indicator=draw(st.sampled_from([None, "i1", "i2"])),
    )
    return indicator, measurement


@settings(max_examples=400, deadline=None)
@given(cases())
def test_fast_path_is_plain_exactly_when_the_full_check_finds_nothing(case):
    indicator, measurement = case
    places = default_gazetteer()
    full = list(check_measurement(indicator, measurement, "m", places))
    assert _measurement_is_plain(indicator, measurement, frozenset(DEFAULT_SCALE), places) == (not full)


VALID = {
    "count": {"value": Decimal(2)}, "tracked": {"value": Decimal(2)}, "minimum": {"value": Decimal(2)},
    "rate": {"numerator": Decimal(3), "denominator": Decimal(4)}, "milestone": {"done": True},
    "deliverable": {"done": False}, "coverage": {"territories": ("mrc:roussillon",)},
    "qualitative": {"level": "partiel"},
}
MUTATIONS = [
    {}, {"value": None}, {"value": Decimal(-1)}, {"value": Decimal(0)}, {"value": Decimal(10) ** 22},
    {"numerator": None}, {"denominator": None}, {"denominator": Decimal(0)}, {"denominator": Decimal(-2)},
    {"numerator": Decimal(5)}, {"numerator": Decimal(10) ** 22}, {"level": None}, {"level": "parfait"},
    {"done": None}, {"territories": ()}, {"territories": ("mrc:atlantide",)}, {"territory": "mrc:atlantide"},
    {"territory": "mrc:roussillon"}, {"indicator": "i2"}, {"indicator": "i1"}, {"date": dt.date(1, 1, 1)},
    {"date": dt.date(9999, 12, 31)},
]


def test_fast_path_agrees_on_every_kind_and_single_change():
    places = default_gazetteer()
    for kind, fields in VALID.items():
        indicator = Indicator(id="i1", label="Indicateur", kind=kind)
        for mutation in MUTATIONS:
            measurement = Measurement(**{"date": dt.date(2026, 3, 1), **fields, **mutation})
            full = list(check_measurement(indicator, measurement, "m", places))
            plain = _measurement_is_plain(indicator, measurement, frozenset(DEFAULT_SCALE), places)
            assert plain == (not full), (kind, mutation, full)


def test_the_fast_path_hands_every_unusual_measurement_to_the_full_check_with_its_path():
    places = default_gazetteer()
    good, bad = Measurement(date=dt.date(2026, 3, 1), value=Decimal(2)), Measurement(date=dt.date(2026, 3, 1))
    indicator = Indicator(id="i1", label="Indicateur", kind="count", target=Decimal(4),
                          measurements=(good, bad, good, good, bad))
    assert _first_unusual(indicator, frozenset(DEFAULT_SCALE), places, 0) == 1
    assert _first_unusual(indicator, frozenset(DEFAULT_SCALE), places, 2) == 4
    assert _first_unusual(indicator, frozenset(DEFAULT_SCALE), places, 5) == 5
    paths = [issue.path for issue in check_indicator(indicator, "x", places)]
    assert paths == ["x.measurements[1].value", "x.measurements[4].value"]
