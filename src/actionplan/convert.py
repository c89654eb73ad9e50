"""The one converter between documents (plain dicts from YAML/JSON) and the model.

Design:

* One configured :mod:`cattrs` converter for every model class (``converter``), strict
  about types (no ``str(5)``, no ``bool("no")``), refusing unknown keys, omitting
  defaults when dumping so written files stay short.
* Loading runs the fast converter first; only when it fails is the document run
  again through a twin converter with cattrs' *detailed validation*, whose exception
  groups are walked into :class:`~actionplan.errors.Issue` objects carrying the path
  (``themes[2].objectives[0].actions[1].indicators[0].target``), what was expected and
  what was found. Valid documents pay nothing for error reporting.
* Schedules are written as their original French text and parsed on load.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import difflib
import typing
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    StructureHandlerNotFoundError,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from .errors import Issue, ScheduleError, ValidationError
from .model.base import FieldValueError
from .schedules import Schedule, parse_schedule

T = TypeVar("T")

#: Warnings raised while structuring (free-text schedules), collected per load.
_warnings: contextvars.ContextVar[list[Issue] | None] = contextvars.ContextVar("_warnings", default=None)
_free_text: contextvars.ContextVar[bool] = contextvars.ContextVar("_free_text", default=False)


class TypeMismatch(TypeError):
    """Raised by strict hooks; carries what was expected and what was found."""

    def __init__(self, expected: str, found: Any):
        self.expected = expected
        self.found = found
        super().__init__(f"expected {expected}, found {describe(found)}")


def describe(value: Any) -> str:
    """A short, user-facing description of a found value."""
    kind = {
        str: "text",
        bool: "a boolean",
        int: "a whole number",
        float: "a number",
        list: "a list",
        dict: "a mapping",
        type(None): "nothing (null)",
    }.get(type(value), type(value).__name__)
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{kind} {shown}" if value is not None else kind


# -- strict scalar hooks ------------------------------------------------------------


def _structure_str(value: Any, _type: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # YAML reads an unquoted 2026 as a number; as a label it is text
    raise TypeMismatch("text", value)


def _structure_int(value: Any, _type: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeMismatch("a whole number", value)


def _structure_bool(value: Any, _type: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise TypeMismatch("true or false", value)


def _structure_decimal(value: Any, _type: Any) -> Decimal:
    if isinstance(value, bool):
        raise TypeMismatch("a number", value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the digits the author wrote, not the binary fraction
    if isinstance(value, str):
        text = value.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        text = text.removesuffix("$").replace(",", ".")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise TypeMismatch("a number", value) from None
        if not result.is_finite():
            raise TypeMismatch("a finite number", value)
        return result
    raise TypeMismatch("a number", value)


def _unstructure_decimal(value: Decimal) -> int | str:
    """Whole amounts stay numbers; others are written as text so no digit is lost to floats."""
    if value == value.to_integral_value():
        return int(value)
    return str(value)


def _structure_date(value: Any, _type: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise TypeMismatch("a date (YYYY-MM-DD) without a time", value)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise TypeMismatch("a date (YYYY-MM-DD)", value) from None
    raise TypeMismatch("a date (YYYY-MM-DD)", value)


def _structure_schedule(value: Any, _type: Any) -> Schedule:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # "2026" unquoted in YAML
    if not isinstance(value, str):
        raise TypeMismatch("a schedule text such as « Hiver 2026 » or « En continu »", value)
    if _free_text.get():
        schedule = parse_schedule(value, allow_free_text=True)
        if any(part.kind == "free_text" for part in schedule.parts):
            collected = _warnings.get()
            if collected is not None:
                collected.append(Issue("", f"schedule {value!r} kept as free text", severity="warning"))
        return schedule
    return parse_schedule(value)


def _structure_tuple_of(item_type: Any, converter: cattrs.Converter) -> Callable[[Any, Any], tuple]:
    item_structure = converter.get_structure_hook(item_type)
    detailed = converter.detailed_validation

    def structure(value: Any, _type: Any) -> tuple:
        if not isinstance(value, list | tuple):
            raise TypeMismatch("a list", value)
        if not detailed:
            return tuple([item_structure(item, item_type) for item in value])
        result, errors = [], []
        for index, item in enumerate(value):
            try:
                result.append(item_structure(item, item_type))
            except Exception as exc:  # noqa: BLE001 - regrouped with its index below
                exc.__notes__ = [*getattr(exc, "__notes__", []), cattrs.errors.IterableValidationNote(
                    f"Structuring {_type} @ index {index}", index, item_type)]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {_type!r}", errors, _type)
        return tuple(result)

    return structure


def _is_tuple_type(type_: Any) -> bool:
    return typing.get_origin(type_) is tuple


def _make_converter(detailed: bool) -> cattrs.Converter:
    converter = cattrs.Converter(
        forbid_extra_keys=True,
        omit_if_default=True,
        detailed_validation=detailed,
        prefer_attrib_converters=False,
    )
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_unstructure_hook(Decimal, _unstructure_decimal)
    converter.register_structure_hook(dt.date, _structure_date)
    converter.register_unstructure_hook(dt.date, lambda value: value)  # orjson/ruamel write dates natively
    converter.register_structure_hook(Schedule, _structure_schedule)
    converter.register_unstructure_hook(Schedule, lambda schedule: schedule.text)
    converter.register_structure_hook_factory(
        _is_tuple_type, lambda type_: _structure_tuple_of(typing.get_args(type_)[0], converter)
    )
    converter.register_unstructure_hook_factory(
        _is_tuple_type,
        lambda type_: _tuple_unstructurer(converter, typing.get_args(type_)[0]),
    )

    def _dict_of_str(value: Any, _type: Any) -> dict[str, str]:
        if not isinstance(value, dict):
            raise TypeMismatch("a mapping of text to text", value)
        return {_structure_str(k, str): _structure_str(v, str) for k, v in value.items()}

    converter.register_structure_hook_func(lambda t: t == dict[str, str], _dict_of_str)

    def _attrs_structure(cls: type) -> Callable[[Any, Any], Any]:
        inner = make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True,
                                       _cattrs_detailed_validation=detailed)

        def structure(value: Any, type_: Any) -> Any:
            if not isinstance(value, dict):
                raise TypeMismatch(f"a mapping (the fields of {cls.__name__})", value)
            return inner(value, type_)

        return structure

    converter.register_structure_hook_factory(attrs.has, _attrs_structure)
    converter.register_unstructure_hook_factory(
        attrs.has, lambda cls: make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True)
    )
    return converter


def _tuple_unstructurer(converter: cattrs.Converter, item_type: Any) -> Callable[[tuple], list]:
    if item_type in (str, int, bool, Ellipsis):
        return list
    hook = converter.get_unstructure_hook(item_type)
    return lambda value: [hook(item) for item in value]


#: The converter: fast, for valid documents.
converter = _make_converter(detailed=False)
#: Its twin with detailed validation, run only to explain a failure.
_detailed_converter = _make_converter(detailed=True)


# -- public functions -----------------------------------------------------------------


def unstructure(obj: Any) -> Any:
    """Model → plain data (dicts, lists, str, int, date) ready for JSON or YAML."""
    return converter.unstructure(obj)


def structure(data: Any, cls: type[T], *, free_text_schedules: bool | None = None) -> tuple[T, list[Issue]]:
    """Plain data → model, or :class:`ValidationError` listing every issue with its path.

    Returns the object and the warnings (schedules kept as free text).
    """
    if free_text_schedules is None:
        free_text_schedules = isinstance(data, dict) and data.get("free_text_schedules") is True
    warnings: list[Issue] = []
    token_w = _warnings.set(warnings)
    token_f = _free_text.set(free_text_schedules)
    try:
        try:
            return converter.structure(data, cls), warnings
        except Exception:  # noqa: BLE001 - explained below, with paths
            pass
        warnings.clear()
        try:
            result = _detailed_converter.structure(data, cls)
        except Exception as exc:  # noqa: BLE001
            raise ValidationError(list(exception_issues(exc, cls))) from None
        return result, warnings  # pragma: no cover - both converters agree
    finally:
        _warnings.reset(token_w)
        _free_text.reset(token_f)


def join_path(path: str, part: str | int) -> str:
    if isinstance(part, int):
        return f"{path}[{part}]"
    return f"{path}.{part}" if path else part


def exception_issues(exc: BaseException, cls: Any = None, path: str = "") -> Iterator[Issue]:
    """Walk cattrs' exception groups into issues with document paths."""
    if isinstance(exc, IterableValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            yield from exception_issues(sub, note.type, join_path(path, note.index))
        for sub in without:
            yield from exception_issues(sub, None, path)
    elif isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            yield from exception_issues(sub, note.type, join_path(path, note.name))
        for sub in without:
            yield from exception_issues(sub, exc.cl, path)
    elif isinstance(exc, ForbiddenExtraKeysError):
        known = [a.name for a in attrs.fields(exc.cl)] if attrs.has(exc.cl) else []
        for key in sorted(exc.extra_fields):
            close = difflib.get_close_matches(key, known, n=1)
            yield Issue(
                join_path(path, key),
                "unknown key",
                expected=f"one of the fields of {exc.cl.__name__}",
                found=repr(key),
                hint=f"did you mean {close[0]!r}?" if close else None,
            )
    elif isinstance(exc, TypeMismatch):
        yield Issue(path, "wrong type", expected=exc.expected, found=describe(exc.found))
    elif isinstance(exc, ScheduleError):
        yield Issue(path, str(exc))
    elif isinstance(exc, KeyError) and cls is not None:
        yield Issue(path, "required field missing", expected=_type_name(cls))
    elif isinstance(exc, StructureHandlerNotFoundError):
        yield Issue(path, f"unsupported type {exc.type!r}")
    elif isinstance(exc, FieldValueError):
        yield Issue(join_path(path, exc.field), "invalid value", expected=exc.expected, found=describe(exc.found))
    elif isinstance(exc, ValueError) and len(exc.args) == 4 and isinstance(exc.args[1], attrs.Attribute):
        _message, attribute, options, found = exc.args  # attrs.validators.in_
        yield Issue(join_path(path, attribute.name), "not an accepted value",
                    expected="one of " + ", ".join(map(str, options)), found=describe(found))
    elif isinstance(exc, ValueError | TypeError):
        yield Issue(path, str(exc))
    else:  # an unexpected exception is still reported, never swallowed silently
        yield Issue(path, f"{type(exc).__name__}: {exc}")


def _type_name(type_: Any) -> str:
    if attrs.has(type_):
        return f"the fields of {type_.__name__}"
    names = {str: "text", int: "a whole number", bool: "true or false", Decimal: "a number",
             dt.date: "a date (YYYY-MM-DD)", Schedule: "a schedule text"}
    if type_ in names:
        return names[type_]
    return getattr(type_, "__name__", str(type_))
