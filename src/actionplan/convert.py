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
* The fast converter structures attrs classes with functions generated once per class
  (see "generated structuring" below), so a 1 MB plan loads about as fast as pydantic
  reads the same shapes (``benchmarks/documents.py``). The twins must agree on what is
  valid: ``tests/test_model_roundtrip.py`` checks it on generated good and bad documents.
* Schedules are written as their original French text and parsed on load; the parse of
  each distinct text is cached (a :class:`Schedule` is immutable).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import difflib
import functools
import keyword
import linecache
import math
import reprlib
import types
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
from cattrs.fns import identity
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from ._attrs_types import FACTORY, IN_VALIDATOR
from .errors import FieldValueError, Issue, ScheduleError, ValidationError
from .i18n import N_, Message, Verbatim
from .model.base import (
    MAX_YEAR,
    MIN_YEAR,
    STRUCTURED_IDENTITY,
    check_decimal,
    check_id,
    check_ids,
    check_optional_decimal,
    check_optional_id,
    check_text,
    id_fullmatch,
)
from .schedules import Schedule, parse_schedule

T = TypeVar("T")

#: Whether unknown schedule wording is kept as free text (the plan's ``free_text_schedules``);
#: the checks then warn about each, with its path.
_free_text: contextvars.ContextVar[bool] = contextvars.ContextVar("_free_text", default=False)


class TypeMismatch(TypeError):
    """Raised by strict hooks; carries what was expected (a message) and what was found."""

    def __init__(self, expected: Message, found: Any):
        self.expected = expected
        self.found = found
        super().__init__(f"expected {expected}, found {describe(found)}")


class OutOfRange(TypeMismatch):
    """A value of the right type outside what actionplan can compute with (a date in year 9999)."""


#: The kinds of values a document holds → the code describing one (``text 'quatre'``).
_FOUND = {
    str: N_("found.text"), bool: N_("found.boolean"), int: N_("found.whole_number"), float: N_("found.number"),
    list: N_("found.list"), dict: N_("found.mapping"),
}

EXPECT_LIST = Message("expect.list")


def describe(value: Any) -> Message:
    """A short, user-facing description of a found value (« le texte 'quatre' »)."""
    if value is None:
        return Message("found.null")
    code = _FOUND.get(type(value))
    if code is None:
        return Message("found.other", kind=type(value).__name__, value=short_repr(value))
    return Message(code, value=short_repr(value))


def _bounded_repr():
    bounded = reprlib.Repr()
    bounded.maxlevel, bounded.maxlist, bounded.maxtuple, bounded.maxdict, bounded.maxset = 4, 8, 8, 6, 6
    bounded.maxstring = bounded.maxother = bounded.maxlong = 80
    return bounded


_BOUNDED_REPR = _bounded_repr()


def short_repr(value: Any, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters, at a cost bounded whatever the value's size.

    A document can hold a list of a million items, or (through YAML aliases) one that repeats
    itself exponentially; a plain ``repr`` of either, made only to show 60 characters of it,
    would take minutes and gigabytes.
    """
    shown = _BOUNDED_REPR.repr(value) if isinstance(value, list | tuple | dict | set | frozenset) else repr(value)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


# -- strict scalar hooks ------------------------------------------------------------


def _structure_str(value: Any, _type: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # YAML reads an unquoted 2026 as a number; as a label it is text
    raise TypeMismatch(Message("expect.text"), value)


def _structure_int(value: Any, _type: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeMismatch(Message("expect.whole_number"), value)


def _structure_bool(value: Any, _type: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise TypeMismatch(Message("expect.boolean"), value)


def _structure_decimal(value: Any, _type: Any) -> Decimal:
    kind = value.__class__
    if kind is str or isinstance(value, str):
        try:
            result = Decimal(value)  # plain digits, as written by dump: no clean-up needed
        except InvalidOperation:
            text = value.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
            text = text.removesuffix("$").replace(",", ".")
            try:
                result = Decimal(text)
            except InvalidOperation:
                raise TypeMismatch(Message("expect.number"), value) from None
        if not result.is_finite():
            raise TypeMismatch(Message("expect.finite_number"), value)
        return result
    if kind is bool:
        raise TypeMismatch(Message("expect.number"), value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise TypeMismatch(Message("expect.finite_number"), value)
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeMismatch(Message("expect.finite_number"), value)
        return Decimal(repr(value))  # the digits the author wrote, not the binary fraction
    raise TypeMismatch(Message("expect.number"), value)


def _unstructure_decimal(value: Decimal) -> int | str:
    """Whole amounts stay numbers; others are written as text so no digit is lost to floats.

    Whole amounts beyond 64 bits are text too: JSON writers (orjson) refuse such integers.
    """
    if value.is_finite() and value.adjusted() < 18 and value == value.to_integral_value():
        return int(value)
    return str(value)


_DATE_RANGE = Message("expect.date_in_years", first=MIN_YEAR, last=MAX_YEAR)


def _structure_date(value: Any, _type: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise TypeMismatch(Message("expect.date_without_time"), value)
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise TypeMismatch(Message("expect.date"), value) from None
    if isinstance(value, dt.date):
        if not MIN_YEAR <= value.year <= MAX_YEAR:  # schedules and calendars step a year past a date
            raise OutOfRange(_DATE_RANGE, value)
        return value
    raise TypeMismatch(Message("expect.date"), value)


@functools.lru_cache(maxsize=2048)
def _parse_schedule_cached(text: str, allow_free_text: bool) -> Schedule:
    """Plans repeat a few schedule texts (« 2026 », « En continu »); a Schedule is immutable, so share it."""
    return parse_schedule(text, allow_free_text=allow_free_text)


def _structure_schedule(value: Any, _type: Any) -> Schedule:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # "2026" unquoted in YAML
    if not isinstance(value, str):
        raise TypeMismatch(Message("expect.schedule_text"), value)
    return _parse_schedule_cached(value, _free_text.get())


def _structure_tuple_of(item_type: Any, converter: cattrs.Converter) -> Callable[[Any, Any], tuple]:
    item_structure = converter.get_structure_hook(item_type)
    detailed = converter.detailed_validation

    def structure(value: Any, _type: Any) -> tuple:
        if not isinstance(value, list | tuple):
            raise TypeMismatch(Message("expect.list"), value)
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


def _make_converter(detailed: bool, omit_defaults: bool = True) -> cattrs.Converter:
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
    converter.register_unstructure_hook(dt.date, identity)  # orjson/ruamel write dates natively
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
            raise TypeMismatch(Message("expect.text_mapping"), value)
        return {_structure_str(k, str): _structure_str(v, str) for k, v in value.items()}

    converter.register_structure_hook_func(lambda t: t == dict[str, str], _dict_of_str)

    def _attrs_structure(cls: type) -> Callable[[Any, Any], Any]:
        if not detailed:
            return _generate_structure(cls, converter)
        inner: Callable[[Any, Any], Any] = make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True,
                                       _cattrs_detailed_validation=True)

        def structure(value: Any, type_: Any) -> Any:
            if not isinstance(value, dict):
                raise TypeMismatch(Message("expect.mapping_of_fields", name=cls.__name__), value)
            return inner(value, type_)

        return structure

    converter.register_structure_hook_factory(attrs.has, _attrs_structure)
    if detailed or not omit_defaults:  # cattrs' own functions: the detailed twin is the reference of the fast one
        converter.register_unstructure_hook_factory(
            attrs.has, lambda cls: make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=omit_defaults)
        )
    else:
        converter.register_unstructure_hook_factory(attrs.has, lambda cls: _generate_unstructure(cls, converter))
    return converter


# -- generated structuring for the fast converter ------------------------------------------
#
# A valid 1 MB plan holds ~15 000 objects: the per-object cost decides load time. For each
# attrs class the fast converter compiles one function that counts the keys it uses (more
# keys than that are unknown keys), handles the common scalar types inline (an ``is`` test
# on the exact type, the strict hook only when that fails), and fills a new instance
# without ``__init__`` (plain attribute stores on a builder, see ``_builder_class``), then
# runs the class' own validators as its ``__init__`` would — the usual ones (ids, text,
# enumerations) as an inline test that calls the validator only to raise its error.
# Anything unusual (converters, post-init hooks, aliases, no slots) keeps the plain
# ``__init__`` call or cattrs' own generated function. Failures need no detail here: the
# detailed twin converter runs again to explain them with paths.

_generated_count = 0
_generating: set[type] = set()  # classes whose function is being written (a field may refer back to them)

#: Validators whose passing case is tested inline: validator → test on ``{v}`` that implies it passes.
_INLINE_VALIDATORS: dict[Any, str] = {
    check_id: "{v}.__class__ is str and ({v} in IDS or VALID_ID({v}))",
    check_optional_id: "{v} is None or {v}.__class__ is str and ({v} in IDS or VALID_ID({v}))",
    check_ids: "not {v} or all([x.__class__ is str and (x in IDS or VALID_ID(x)) for x in {v}])",
    check_text: "{v}.__class__ is str and {v} and not {v}.isspace()",
    check_decimal: "{v}.__class__ is Decimal",
    check_optional_decimal: "{v} is None or {v}.__class__ is Decimal",
}

#: Ids the fast converter found valid in the document it is structuring: most repeat (territories,
#: organisations, partners), and a set lookup costs a fraction of the id pattern. Emptied when
#: :func:`structure` starts a document (nothing is kept from one document to the next), and never
#: larger than :data:`_MAX_VALID_IDS`.
_valid_ids: set[str] = set()
_MAX_VALID_IDS = 50_000


def _valid_id(value: str) -> bool:
    """The passing case of ``check_id`` (the pattern, no ``..``); a valid id is remembered in :data:`_valid_ids`."""
    if id_fullmatch(value) is None or ".." in value:
        return False
    if len(_valid_ids) < _MAX_VALID_IDS:
        _valid_ids.add(value)
    return True


#: Defaults written as literals in the generated code (immutable, and their repr is their value).
_LITERAL_TYPES = (type(None), bool, int, str)


def _fast_construction(cls: type, fields: tuple[attrs.Attribute, ...]) -> bool:
    """Whether instances of ``cls`` can be built by filling slots, with the same result as ``__init__``."""
    init = cls.__dict__.get("__init__")
    if init is None or not getattr(init, "__code__", None) or "attrs generated" not in init.__code__.co_filename:
        return False
    if any(hasattr(cls, hook) for hook in ("__attrs_pre_init__", "__attrs_post_init__")):
        return False
    slots: set[str] = set()
    for klass in cls.__mro__[:-1]:
        declared = klass.__dict__.get("__slots__")
        if declared is None:
            return False  # a class without slots has a __dict__: let __init__ fill it
        slots.update((declared,) if isinstance(declared, str) else declared)
    slots.discard("__weakref__")
    if slots != {field.name for field in fields}:
        return False  # e.g. a cached hash slot
    return not any(
        (field.converter is not None and field.converter not in STRUCTURED_IDENTITY)
        or (isinstance(field.default, FACTORY) and field.default.takes_self)
        for field in fields
    )


def _plain_fields(fields: tuple[attrs.Attribute, ...]) -> bool:
    """Every field is an ``__init__`` argument named like its key."""
    return all(field.init and field.alias == field.name for field in fields)


def _default_passes(cls: type, field: attrs.Attribute) -> bool:
    """Whether the field's default satisfies its validator (so an absent key needs no check)."""
    if field.validator is None:
        return True
    default = field.default.factory() if isinstance(field.default, FACTORY) else field.default
    try:
        field.validator(object.__new__(cls), field, default)
    except Exception:  # noqa: BLE001 - then it is checked on every object
        return False
    return True


class _Names:
    """The names a generated function uses, each bound to its value in :attr:`namespace`."""

    def __init__(self, namespace: dict[str, Any]):
        self.namespace = namespace
        self._names = 0

    def name_for(self, value: Any, prefix: str) -> str:
        self._names += 1
        name = f"{prefix}_{self._names}"
        self.namespace[name] = value
        return name


class _ClassGenerator(_Names):
    """Writes the source of one class' structuring function, and the names it uses."""

    def __init__(self, cls: type, converter: cattrs.Converter):
        self.cls = cls
        self.converter = converter
        super().__init__({
            "CLS": cls, "NEW": object.__new__, "TypeMismatch": TypeMismatch,
            "ForbiddenExtraKeysError": ForbiddenExtraKeysError, "Decimal": Decimal,
            "S_STR": _structure_str, "S_INT": _structure_int, "S_BOOL": _structure_bool,
            "S_DEC": _structure_decimal, "S_DATE": _structure_date, "FROMISO": dt.date.fromisoformat,
            "DATE": dt.date, "SEQUENCE": (list, tuple), "IDS": _valid_ids, "VALID_ID": _valid_id,
        })

    def hook(self, type_: Any) -> Callable[..., Any]:
        """The converter's hook for ``type_``; looked up at call time for a class being generated (recursion)."""
        if type_ in _generating:
            converter = self.converter
            return lambda value, _type=None: converter.get_structure_hook(type_)(value, type_)
        return self.converter.get_structure_hook(type_)

    def hook_call(self, type_: Any, var: str) -> str:
        """A call structuring ``var`` as ``type_`` with the converter's hook (ours take one argument)."""
        hook = self.hook(type_)
        if getattr(hook, "generated_by_actionplan", False):
            return f"{self.name_for(hook, 'H')}({var})"
        return f"{self.name_for(hook, 'H')}({var}, {self.name_for(type_, 'T')})"

    def value_code(self, type_: Any, var: str, indent: str) -> list[str]:
        """Lines turning ``var`` (plain data) into a value of ``type_``, in place."""
        if type_ is str:
            return [f"{indent}if {var}.__class__ is not str: {var} = S_STR({var}, str)"]
        if type_ is int:
            return [f"{indent}if {var}.__class__ is not int: {var} = S_INT({var}, int)"]
        if type_ is bool:
            return [f"{indent}if {var}.__class__ is not bool: {var} = S_BOOL({var}, bool)"]
        if type_ is Decimal:
            return [f"{indent}{var} = Decimal({var}) if {var}.__class__ is int else S_DEC({var}, Decimal)"]
        if type_ is dt.date:
            return [
                f"{indent}if {var}.__class__ is str:",
                f"{indent}    try: {var} = FROMISO({var})",
                f"{indent}    except ValueError: {var} = S_DATE({var}, DATE)",
                f"{indent}    if not {MIN_YEAR} <= {var}.year <= {MAX_YEAR}: {var} = S_DATE({var}, DATE)",
                f"{indent}else: {var} = S_DATE({var}, DATE)",
            ]
        args = typing.get_args(type_)
        if _is_optional(type_):
            inner = next(arg for arg in args if arg is not type(None))
            if inner in (str, int, bool):
                name = inner.__name__
                return [(f"{indent}if {var} is not None and {var}.__class__ is not {name}: "
                         f"{var} = S_{name.upper()}({var}, {name})")]
            return [f"{indent}if {var} is not None:", *self.value_code(inner, var, indent + "    ")]
        if _is_tuple_type(type_) and len(args) == 2 and args[1] is Ellipsis:
            item = args[0]
            lines = [(f"{indent}if {var}.__class__ is not list and not isinstance({var}, SEQUENCE): "
                      f"raise TypeMismatch(EXPECT_LIST, {var})")]
            if item is str:
                return [*lines, f"{indent}{var} = tuple([x if x.__class__ is str else S_STR(x, str) for x in {var}])"]
            hook = self.hook(item)
            if getattr(hook, "generated_by_actionplan", False):
                return [*lines, f"{indent}{var} = tuple(map({self.name_for(hook, 'H')}, {var}))"]
            return [*lines, f"{indent}{var} = tuple([{self.hook_call(item, 'x')} for x in {var}])"]
        return [f"{indent}{var} = {self.hook_call(type_, var)}"]

    def passing_test(self, field: attrs.Attribute, var: str) -> str | None:
        """A test on ``var`` that implies ``field``'s validator passes (``None``: none is known)."""
        test = _INLINE_VALIDATORS.get(field.validator)
        if test is None and isinstance(field.validator, IN_VALIDATOR):
            test = f"{var} in {self.name_for(field.validator.options, 'OPTIONS')}"
        return test.format(v=var) if test else None

    def check_code(self, field: attrs.Attribute, var: str, present_only: bool) -> str:
        """The statement running ``field``'s validator on ``var`` (when the key was present, if ``present_only``)."""
        call = f"{self.name_for(field.validator, 'VALIDATE')}(self, {self.name_for(field, 'A')}, {var})"
        return f"if {field.name!r} in o: {call}" if present_only else call

    def default_code(self, field: attrs.Attribute) -> str:
        default = field.default
        if isinstance(default, FACTORY):
            return f"{self.name_for(default.factory, 'FACTORY')}()"
        if isinstance(default, _LITERAL_TYPES) or (type(default) is tuple and not default):
            return repr(default)
        return self.name_for(default, "DEFAULT")

    def source(self, fields: tuple[attrs.Attribute, ...], builder: type | None, fill_slots: bool) -> str:
        """The function's source.

        With a ``builder`` the fields are plain attribute stores on a builder instance that then
        becomes an instance of the class; with ``fill_slots`` they go through the slot descriptors;
        otherwise the class' own ``__init__`` receives them.
        """
        cls = self.cls
        own_init = builder is None and not fill_slots
        self.namespace |= {"EXPECTED": Message("expect.mapping_of_fields", name=cls.__name__),
                           "KNOWN": frozenset(field.name for field in fields), "BUILDER": builder}
        lines = [
            "def structure(o, _type=None):",
            "    if o.__class__ is not dict and not isinstance(o, dict): raise TypeMismatch(EXPECTED, o)",
            "    found = 0",  # keys used; fewer than len(o) means unknown keys
            "    res = {}" if own_init else f"    self = NEW({'BUILDER' if builder else 'CLS'})",
        ]
        # The validators run after the object is complete, in field order, as __init__ runs them.
        # A validator with a known passing test is called only when some value fails its test
        # (``odd``, then every validator runs, so the first to fail raises as in __init__);
        # the others are always called.
        checks: list[str] = []
        always: list[str] = []
        if not own_init:
            lines.append("    odd = False")
        for index, field in enumerate(fields):
            var, key = f"v{index}", repr(field.name)
            if builder is not None:
                def store(value: str, target: str = field.name) -> str:
                    return f"self.{target} = {value}"
            elif fill_slots:
                def store(value: str, target: str = self.name_for(getattr(cls, field.name).__set__, "SET")) -> str:
                    return f"{target}(self, {value})"
            else:
                def store(value: str, target: str = key) -> str:
                    return f"res[{target}] = {value}"

            validated = not own_init and field.validator is not None
            check_absent = validated and not _default_passes(cls, field)
            test = self.passing_test(field, var) if validated else None
            flag = [f"if not ({test}): odd = True"] if test else []
            if field.default is attrs.NOTHING:
                lines += [f"    {var} = o[{key}]", "    found += 1",
                          *self.value_code(field.type, var, "    "), f"    {store(var)}",
                          *(f"    {line}" for line in flag)]
            else:
                lines += [f"    if {key} in o:", f"        {var} = o[{key}]", "        found += 1",
                          *self.value_code(field.type, var, "        "), f"        {store(var)}",
                          *(f"        {line}" for line in flag)]
                if check_absent:  # the default fails the validator: it runs and says why
                    lines += ["    else:", f"        {var} = {self.default_code(field)}", f"        {store(var)}",
                              *(["        odd = True"] if test else [])]
                elif not own_init:
                    lines += [f"    else: {store(self.default_code(field))}"]
            if validated:
                present_only = field.default is not attrs.NOTHING and not check_absent
                checks.append(f"        {self.check_code(field, var, present_only)}")
                if not test:
                    always.append(f"        {self.check_code(field, var, present_only)}")
        lines.append("    if found != len(o): raise ForbiddenExtraKeysError('', CLS, set(o) - KNOWN)")
        if builder is not None:
            lines.append("    self.__class__ = CLS")  # before the validators, which see the real class
        if checks:
            lines += ["    if odd:", *checks]
            if always:
                lines += ["    else:", *always]
        lines.append("    return CLS(**res)" if own_init else "    return self")
        return "\n".join(lines) + "\n"


def _builder_class(cls: type, fields: tuple[attrs.Attribute, ...]) -> type | None:
    """A subclass of ``cls`` that adds nothing but plain attribute assignment, or ``None``.

    A frozen class refuses ``obj.x = …``; filling its slots through their descriptors costs a
    call per field. An instance of this builder is filled with ordinary attribute stores (which
    CPython runs fastest), then its ``__class__`` is set to ``cls`` — allowed because the two
    share one memory layout — before any validator runs or anyone else sees it. Checked once
    here; any doubt (a metaclass, ``__init_subclass__``, odd names) means no builder.
    """
    if type(cls) is not type or any("__init_subclass__" in klass.__dict__ for klass in cls.__mro__[:-1]):
        return None
    if not all(field.name.isidentifier() and not keyword.iskeyword(field.name) for field in fields):
        return None
    builder = type(f"{cls.__name__}Builder", (cls,), {
        "__slots__": (), "__setattr__": object.__setattr__, "__delattr__": object.__delattr__,
        "__module__": __name__, "__doc__": f"Fills a new {cls.__qualname__} (actionplan.convert; never escapes).",
    })
    probe: object = object.__new__(builder)
    try:
        probe.__class__ = cls
    except TypeError:
        return None
    return builder


def _is_optional(type_: Any) -> bool:
    args = typing.get_args(type_)
    return typing.get_origin(type_) in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args


def _generate_structure(cls: type, converter: cattrs.Converter) -> Callable[..., Any]:
    """The compiled structuring function of one attrs class, for the fast converter."""
    if typing.get_origin(cls) is not None:  # a generic alias: cattrs knows how to bind its parameters
        return make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True)
    attrs.resolve_types(cls)
    fields = attrs.fields(cls)
    if not _plain_fields(fields):
        return make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True)
    fill_slots = _fast_construction(cls, fields)
    builder = _builder_class(cls, fields) if fill_slots else None
    generator = _ClassGenerator(cls, converter)
    _generating.add(cls)
    try:
        source = generator.source(fields, builder, fill_slots)
    finally:
        _generating.discard(cls)
    function = _compiled(source, "structure", cls, generator.namespace)
    function.generated_by_actionplan = True
    return function


def _compiled(source: str, kind: str, cls: type, namespace: dict[str, Any]) -> Any:
    """The function ``kind`` (structure, unstructure) that ``source`` defines for ``cls``; tracebacks show its lines."""
    global _generated_count
    _generated_count += 1
    filename = f"<actionplan generated {kind} {cls.__module__}.{cls.__qualname__} #{_generated_count}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - our own generated code
    function = namespace[kind]
    function.__qualname__ = function.__name__ = f"{kind}_{cls.__name__}"
    return function


# -- generated unstructuring for the fast converter -----------------------------------------
#
# Dumping writes every object of the plan back as a dict, defaults left out. cattrs' generated
# function calls a hook per field (an Optional wrapper, then the value's hook, often the identity);
# the one written here per class compares each field with its default, writes scalars as they are
# (the hooks that are the identity are not called), tests ``None`` inline, calls the class'
# own generated function for nested objects and the Decimal writer for numbers. It gives what
# cattrs' function gives (tests/test_model_roundtrip.py compares them on generated plans).

_unstructure_generating: set[type] = set()
#: Factories whose product is written as a literal in the comparison with the default.
_EMPTY_LITERALS: dict[Any, str] = {dict: "{}", list: "[]"}


class _UnstructureGenerator(_Names):
    """Writes the source of one class' unstructuring function, and the names it uses."""

    def __init__(self, cls: type, converter: cattrs.Converter):
        self.cls = cls
        self.converter = converter
        super().__init__({"UN_DEC": _unstructure_decimal})

    def hook(self, type_: Any) -> Callable[[Any], Any]:
        """The converter's hook for ``type_``; looked up at call time for a class being generated (recursion)."""
        if type_ in _unstructure_generating:
            converter = self.converter
            return lambda value: converter.get_unstructure_hook(type_)(value)
        return self.converter.get_unstructure_hook(type_)

    def value_expr(self, type_: Any, var: str, depth: int = 0) -> str:
        """An expression turning ``var`` (a value of ``type_``) into plain data."""
        if type_ is Decimal:
            return f"UN_DEC({var})"
        args = typing.get_args(type_)
        if _is_optional(type_):
            inner = self.value_expr(next(arg for arg in args if arg is not type(None)), var, depth)
            return var if inner == var else f"(None if {var} is None else {inner})"
        if _is_tuple_type(type_) and len(args) == 2 and args[1] is Ellipsis:
            item = f"x{depth}"
            inner = self.value_expr(args[0], item, depth + 1)
            return f"list({var})" if inner == item else f"[{inner} for {item} in {var}]"
        hook = self.hook(type_)
        if hook is identity:
            return var
        return f"{self.name_for(hook, 'H')}({var})"

    def differs(self, field: attrs.Attribute, var: str) -> str:
        """A test true when ``var`` is not ``field``'s default (cattrs' ``!=``; ``is not None`` for ``None``)."""
        default = field.default
        if default is None:
            return f"{var} is not None"
        if isinstance(default, FACTORY):
            empty = _EMPTY_LITERALS.get(default.factory)
            return f"{var} != {empty or self.name_for(default.factory, 'FACTORY') + '()'}"
        if isinstance(default, _LITERAL_TYPES) or (type(default) is tuple and not default):
            return f"{var} != {default!r}"
        return f"{var} != {self.name_for(default, 'DEFAULT')}"

    def source(self, fields: tuple[attrs.Attribute, ...]) -> str:
        lines = ["def unstructure(obj):", "    res = {}"]
        for index, field in enumerate(fields):
            var, key = f"v{index}", repr(field.name)
            type_ = field.type
            if field.default is None and _is_optional(type_):  # tested against None already
                type_ = next(arg for arg in typing.get_args(type_) if arg is not type(None))
            value = self.value_expr(type_, var)
            lines.append(f"    {var} = obj.{field.name}")
            if field.default is attrs.NOTHING:
                lines.append(f"    res[{key}] = {value}")
            else:
                lines.append(f"    if {self.differs(field, var)}: res[{key}] = {value}")
        lines.append("    return res")
        return "\n".join(lines) + "\n"


def _generate_unstructure(cls: type, converter: cattrs.Converter) -> Callable[[Any], Any]:
    """The compiled unstructuring function (defaults omitted) of one attrs class, for the fast converter."""
    if typing.get_origin(cls) is not None:
        return make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True)
    attrs.resolve_types(cls)
    fields = attrs.fields(cls)
    if any((isinstance(field.default, FACTORY) and field.default.takes_self) or not field.name.isidentifier()
           or keyword.iskeyword(field.name) for field in fields):
        return make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True)
    generator = _UnstructureGenerator(cls, converter)
    _unstructure_generating.add(cls)
    try:
        source = generator.source(fields)
    finally:
        _unstructure_generating.discard(cls)
    return _compiled(source, "unstructure", cls, generator.namespace)


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


def unstructure_with_defaults(obj: Any) -> Any:
    """Like :func:`unstructure`, but every field is written, defaults included.

    Rewriting a file uses it to keep the defaults its author wrote out (``fiscal_years: false``).
    """
    global _full_converter
    if _full_converter is None:
        _full_converter = _make_converter(detailed=False, omit_defaults=False)
    return _full_converter.unstructure(obj)


_full_converter: cattrs.Converter | None = None


def unstructure(obj: Any) -> Any:
    """Model → plain data (dicts, lists, str, int, date) ready for JSON or YAML."""
    return converter.unstructure(obj)


def structure(data: Any, cls: type[T], *, free_text_schedules: bool | None = None) -> T:
    """Plain data → model, or :class:`ValidationError` listing every issue with its path.

    Schedules in unknown wording are kept as free text when ``free_text_schedules`` (by default,
    the document's own ``free_text_schedules`` key) is true; the plan checks warn about them.
    """
    if free_text_schedules is None:
        free_text_schedules = isinstance(data, dict) and data.get("free_text_schedules") is True
    token = _free_text.set(free_text_schedules)
    _valid_ids.clear()  # a new document: its ids are checked afresh
    try:
        try:
            return converter.structure(data, cls)
        except Exception:  # noqa: BLE001 - explained below, with paths
            pass
        try:
            result = _detailed_converter.structure(data, cls)
        except Exception as exc:  # noqa: BLE001
            raise ValidationError(list(exception_issues(exc, cls))) from None
        return result  # pragma: no cover - both converters agree
    finally:
        _free_text.reset(token)


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
        with_attribute_notes, without_notes = exc.group_exceptions()
        for sub, attribute_note in with_attribute_notes:
            yield from exception_issues(sub, attribute_note.type, join_path(path, attribute_note.name))
        for sub in without_notes:
            yield from exception_issues(sub, exc.cl, path)
    elif isinstance(exc, ForbiddenExtraKeysError):
        known = [a.name for a in attrs.fields(exc.cl)] if attrs.has(exc.cl) else []
        for key in sorted(exc.extra_fields, key=lambda k: (not isinstance(k, str), str(k))):
            # YAML keys may be numbers, null or lists (``1: x``, ``~: x``, ``? [a, b]``): shown, never matched
            name = key if isinstance(key, str) else short_repr(key)
            close = difflib.get_close_matches(key, known, n=1) if isinstance(key, str) else []
            yield Issue(
                join_path(path, name),
                Message("validation.unknown_key"),
                expected=Message("expect.one_of_the_fields", name=exc.cl.__name__),
                found=Verbatim(short_repr(key)),
                hint=Message("validation.did_you_mean", name=repr(close[0])) if close else None,
            )
    elif isinstance(exc, OutOfRange):
        yield Issue(path, Message("validation.out_of_range"), expected=exc.expected, found=Verbatim(str(exc.found)))
    elif isinstance(exc, TypeMismatch):
        yield Issue(path, Message("validation.wrong_type"), expected=exc.expected, found=describe(exc.found))
    elif isinstance(exc, ScheduleError):
        yield Issue(path, exc.msg)
    elif isinstance(exc, KeyError) and cls is not None:
        yield Issue(path, Message("validation.required_field_missing"), expected=_type_name(cls))
    elif isinstance(exc, StructureHandlerNotFoundError):
        yield Issue(path, Message("validation.unsupported_type", name=_type_name(exc.type_)))
    elif isinstance(exc, FieldValueError):
        yield Issue(join_path(path, exc.field), Message("validation.invalid_value"), expected=exc.expected,
                    found=describe(exc.found))
    elif isinstance(exc, ValueError) and len(exc.args) == 4 and isinstance(exc.args[1], attrs.Attribute):
        _message, attribute, options, found = exc.args  # attrs.validators.in_
        yield Issue(join_path(path, attribute.name), Message("validation.not_an_accepted_value"),
                    expected=Message("expect.one_of", values=", ".join(map(str, options))), found=describe(found))
    elif isinstance(exc, ValueError | TypeError):
        first = exc.args[0] if exc.args else None
        yield Issue(path, first if isinstance(first, Message) else Verbatim(str(exc)))
    else:  # an unexpected exception is still reported, never swallowed silently
        yield Issue(path, Verbatim(f"{type(exc).__name__}: {exc}"))


#: Types → the code saying what a value of it looks like.
_TYPE_NAMES = {str: N_("expect.text"), int: N_("expect.whole_number"), bool: N_("expect.boolean"),
               Decimal: N_("expect.number"), dt.date: N_("expect.date"), Schedule: N_("expect.a_schedule_text")}


def _type_name(type_: Any) -> Message:
    if attrs.has(type_):
        return Message("expect.the_fields_of", name=type_.__name__)
    if type_ in _TYPE_NAMES:
        return Message(_TYPE_NAMES[type_])
    return Verbatim(getattr(type_, "__name__", str(type_)))
