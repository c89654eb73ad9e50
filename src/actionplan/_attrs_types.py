"""The classes of attrs' defaults and validators, typed for the code that reads them.

attrs makes defaults and validators with public functions (``attrs.Factory(list)``,
``attrs.validators.in_(…)``) whose instances belong to private classes, and its type stubs
describe the functions only: ``Factory`` is typed as returning the default value itself
(so that ``x: list = attrs.Factory(list)`` type-checks) and each validator as a plain
callable. The fast converter and the JSON Schema look inside these instances, so this module
names each class through the public function that makes it, and states with a protocol the
attributes they read. The casts are the one place where the stubs' chosen fiction is undone.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any, Final, Protocol, cast

import attrs


class FactoryDefault(Protocol):
    """A default made by ``attrs.Factory``."""

    factory: Callable[..., Any]
    takes_self: bool


class Validator(Protocol):
    def __call__(self, inst: Any, attr: attrs.Attribute[Any], value: Any, /) -> Any: ...


class AndValidator(Validator, Protocol):
    """``attrs.validators.and_(…)``, also what a list of validators becomes."""

    _validators: Sequence[Validator]


class OptionalValidator(Validator, Protocol):
    """``attrs.validators.optional(validator)``."""

    validator: Validator


class InValidator(Validator, Protocol):
    """``attrs.validators.in_(options)``."""

    options: Collection[Any]


class NumberValidator(Validator, Protocol):
    """``attrs.validators.ge/gt/le/lt(bound)``."""

    bound: Any
    compare_op: str


_anything = attrs.validators.instance_of(object)

FACTORY: Final = cast("type[FactoryDefault]", attrs.Factory)
AND_VALIDATOR: Final = cast("type[AndValidator]", type(attrs.validators.and_()))
OPTIONAL_VALIDATOR: Final = cast("type[OptionalValidator]", type(attrs.validators.optional(_anything)))
IN_VALIDATOR: Final = cast("type[InValidator]", type(attrs.validators.in_(())))
NUMBER_VALIDATOR: Final = cast("type[NumberValidator]", type(attrs.validators.ge(0)))
