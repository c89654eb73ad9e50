"""Number fields built from Python are converted (int, numeric text → Decimal) or refused at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import actionplan
from actionplan import convert
from actionplan.errors import FieldTypeError, FieldValueError
from actionplan.model import Indicator, Measurement, Target
from actionplan.model.grants import Application, Decision, GrantProgram, Payment
from actionplan.model.schedules import Period
from actionplan.testing import sample_plan

DAY = dt.date(2026, 2, 12)
PERIOD = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))

#: (class, required arguments, number field, whether it holds a mapping of numbers)
FIELDS = [
    (Measurement, {"date": DAY}, "value", False),
    (Measurement, {"date": DAY}, "numerator", False),
    (Measurement, {"date": DAY}, "denominator", False),
    (Target, {}, "value", False),
    (Indicator, {"id": "i", "label": "Indicateur"}, "target", False),
    (Indicator, {"id": "i", "label": "Indicateur"}, "baseline", False),
    (GrantProgram, {"id": "p", "title": "Programme", "period": PERIOD}, "total", False),
    (GrantProgram, {"id": "p", "title": "Programme", "period": PERIOD}, "budget", True),
    (Application, {"id": "a", "title": "Projet", "lead": "o"}, "requested", True),
    (Application, {"id": "a", "title": "Projet", "lead": "o"}, "scores", True),
    (Decision, {"application": "a", "body": "b", "date": DAY, "outcome": "favourable"}, "amount", False),
    (Decision, {"application": "a", "body": "b", "date": DAY, "outcome": "favourable"}, "amounts", True),
    (Payment, {"application": "a", "date": DAY}, "amount", False),
]
IDS = [f"{cls.__name__}.{field}" for cls, _, field, _ in FIELDS]


def build(cls, required, field, mapping, value):
    return cls(**required, **{field: {"2026-2027": value} if mapping else value})


def read(obj, field, mapping):
    value = getattr(obj, field)
    return value["2026-2027"] if mapping else value


@pytest.mark.parametrize("cls, required, field, mapping", FIELDS, ids=IDS)
@given(number=st.integers(min_value=0, max_value=10**15))
def test_a_whole_number_becomes_a_decimal(cls, required, field, mapping, number):
    value = read(build(cls, required, field, mapping, number), field, mapping)
    assert type(value) is Decimal and value == number


@pytest.mark.parametrize("cls, required, field, mapping", FIELDS, ids=IDS)
def test_numeric_text_becomes_a_decimal(cls, required, field, mapping):
    assert read(build(cls, required, field, mapping, " 195007.25 "), field, mapping) == Decimal("195007.25")


@pytest.mark.parametrize("cls, required, field, mapping", FIELDS, ids=IDS)
@given(number=st.floats(allow_nan=True, allow_infinity=True))
def test_a_float_is_refused_naming_the_field(cls, required, field, mapping, number):
    with pytest.raises(FieldTypeError, match=rf"^{cls.__name__}\.{field}\b.* must be a Decimal.*float is inexact"):
        build(cls, required, field, mapping, number)


@pytest.mark.parametrize("cls, required, field, mapping", FIELDS, ids=IDS)
@pytest.mark.parametrize("value", [True, False, [1], object()])
def test_a_bool_or_another_type_is_refused(cls, required, field, mapping, value):
    with pytest.raises(TypeError, match=rf"^{cls.__name__}\.{field}\b.* must be a Decimal, a whole number"):
        build(cls, required, field, mapping, value)


def _not_a_number(text: str) -> bool:
    try:
        return not Decimal(text.strip()).is_finite()
    except InvalidOperation:
        return True


@pytest.mark.parametrize("cls, required, field, mapping", FIELDS, ids=IDS)
@given(text=st.text(max_size=12).filter(_not_a_number))
def test_text_that_is_no_number_is_refused(cls, required, field, mapping, text):
    with pytest.raises(FieldValueError, match=rf"^{cls.__name__}\.{field}\b") as caught:
        build(cls, required, field, mapping, text)
    assert caught.value.found == text and not isinstance(caught.value, TypeError)


def test_a_measurement_built_with_an_int_is_stored(tmp_path):
    plan = sample_plan()
    store = actionplan.open_store(f"sqlite:{tmp_path / 'store.db'}")
    try:
        store.save(plan)
        store.append_measurements(plan.id, [Measurement(indicator="participants", date=DAY, value=12)])
        (record,) = store.measurements(plan.id)
        assert record.value == Decimal(12) and type(record.value) is Decimal
    finally:
        store.close()


@pytest.mark.parametrize("cls", [Measurement, Indicator, Target, Payment, Application])
def test_documents_keep_the_fast_way_of_building_these_classes(cls):
    assert convert._fast_construction(cls, attrs.fields(cls))
