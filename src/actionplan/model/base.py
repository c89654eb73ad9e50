"""Small helpers shared by the model classes: id checks and immutable collections."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeGuard

import attrs

from ..errors import FieldTypeError, FieldValueError
from ..i18n import Message, Verbatim

#: Ids are short, stable, URL- and file-safe slugs. They name things in documents,
#: in stores (as file names) and in URLs, so they must never escape a directory.
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$")
#: The same rule as a bound ``fullmatch``, which also refuses the trailing newline ``$`` lets
#: through. The converter's generated code calls it directly (see ``actionplan.convert``).
id_fullmatch = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,199}").fullmatch

_ID_EXPECTED = Message("expect.id")


#: Numbers are exact decimals, but smaller than 10**21: beyond, the decimal arithmetic reports use
#: (28 significant digits) can no longer round them to cents, and no plan counts or spends that much.
MAX_NUMBER = Decimal(10) ** 21
NUMBER_EXPECTED = Message("expect.reasonable_number")

#: Years a plan's dates may use: schedules look one year past a period (winters and fiscal years
#: cross into the next), so the first and last years Python knows are left out.
MIN_YEAR, MAX_YEAR = dt.MINYEAR + 1, dt.MAXYEAR - 1
#: The longest period a plan may span. Plans run 1 to 5 years; schedules and reports enumerate
#: every occurrence in the period (« 366 fois par année » over 10 000 years would never end).
MAX_PERIOD_YEARS = 100


def is_reasonable_number(value: Decimal) -> bool:
    """Finite and smaller than :data:`MAX_NUMBER` (in absolute value)."""
    return value.is_finite() and value.copy_abs() < MAX_NUMBER  # copy_abs: no rounding, no overflow


#: Said to Python callers (programmers), like a TypeError's text: documents never reach these checks.
_NUMBER_GIVEN = "a Decimal, a whole number (int) or a number written as text"


# Number fields built from Python: the converter turns an ``int`` or numeric text into a
# :class:`Decimal` and leaves anything else as it is; the validator then refuses what is not a
# Decimal with a :class:`FieldTypeError` / :class:`FieldValueError` naming the field. Documents
# arrive as Decimals already (the converter reads them), so its fast path skips the converters
# (see :data:`STRUCTURED_IDENTITY` and ``actionplan.convert``).


def to_decimal(value: object) -> Any:
    """attrs converter: an ``int`` (not a bool) or finite numeric text → :class:`Decimal`; else unchanged."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except ArithmeticError:  # decimal.InvalidOperation: the validator says what is wrong
            return value
        return number if number.is_finite() else value
    return value


def to_decimal_values(value: object) -> Any:
    """attrs converter: :func:`to_decimal` on every value of a mapping."""
    if isinstance(value, Mapping):
        return {key: to_decimal(item) for key, item in value.items()}
    return value


#: The converters above: each gives back unchanged what the document converter already structured.
STRUCTURED_IDENTITY = (to_decimal, to_decimal_values)


def _refuse_number(owner: str, field: str, value: object) -> None:
    if isinstance(value, Decimal):
        return
    if isinstance(value, str):
        raise FieldValueError(owner, field, Verbatim(_NUMBER_GIVEN), value)
    hint = " (a float is inexact: give Decimal('…') or the text)" if isinstance(value, float) else ""
    raise FieldTypeError(owner, field, Verbatim(_NUMBER_GIVEN + hint), value)


def check_decimal(instance: Any, attribute: attrs.Attribute, value: object) -> None:
    """attrs validator: ``value`` must be a :class:`Decimal` (after :func:`to_decimal`)."""
    _refuse_number(type(instance).__name__, attribute.name, value)


def check_optional_decimal(instance: Any, attribute: attrs.Attribute, value: object) -> None:
    if value is not None:
        _refuse_number(type(instance).__name__, attribute.name, value)


def check_optional_weight(instance: Any, attribute: attrs.Attribute, value: object) -> None:
    """attrs validator: ``None`` or a :class:`Decimal` of 0 or more (a weight in a rollup)."""
    if value is None:
        return
    _refuse_number(type(instance).__name__, attribute.name, value)
    if not value >= 0:  # type: ignore[operator]
        raise FieldValueError(type(instance).__name__, attribute.name, Message("expect.weight"), value)


def check_decimal_values(instance: Any, attribute: attrs.Attribute, value: object) -> None:
    """attrs validator: a mapping whose values are :class:`Decimal` (after :func:`to_decimal_values`)."""
    owner = type(instance).__name__
    if not isinstance(value, Mapping):
        raise FieldTypeError(owner, attribute.name, Verbatim("a mapping of numbers"), value)
    for key, item in value.items():
        _refuse_number(owner, f"{attribute.name}[{key!r}]", item)


def is_valid_id(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and id_fullmatch(value) is not None and ".." not in value


def check_id(instance: Any, attribute: attrs.Attribute, value: object) -> None:
    """attrs validator: ``value`` must be a safe id."""
    if not is_valid_id(value):
        raise FieldValueError(type(instance).__name__, attribute.name, _ID_EXPECTED, value)


def check_optional_id(instance: Any, attribute: attrs.Attribute, value: object) -> None:
    if value is not None and not is_valid_id(value):
        raise FieldValueError(type(instance).__name__, attribute.name, _ID_EXPECTED, value)


def check_ids(instance: Any, attribute: attrs.Attribute, value: tuple) -> None:
    for item in value:
        if not is_valid_id(item):
            raise FieldValueError(type(instance).__name__, attribute.name, _ID_EXPECTED, item)


def check_text(instance: Any, attribute: attrs.Attribute, value: object) -> None:
    """attrs validator: a non-blank string."""
    if not isinstance(value, str) or not value.strip():
        raise FieldValueError(type(instance).__name__, attribute.name, Message("expect.non_empty_text"), value)


def slugify(text: str, max_length: int = 60) -> str:
    """A readable ASCII id from French text: ``"Sécurité alimentaire"`` → ``"securite-alimentaire"``."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return (slug[:max_length].rstrip("-")) or "x"


def fold(text: str) -> str:
    """Accent- and case-insensitive key, for lookups and French-friendly sorting."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").casefold()
