"""Deprecated: the grant data classes now live in :mod:`actionplan.model.grants`."""

from ..deprecation import moved_module

__getattr__ = moved_module(__name__, "actionplan.model.grants")
