"""The built-in gazetteer: Quebec's 17 administrative regions, their 104 MRC and equivalent
territories, and the municipalities of the Montérégie's MRC (and of the two MRC it had until 2021).

The data is package data (``data/quebec.csv``, sources in its header), read once, the first
time a gazetteer is asked for: a command that needs no territory never reads it.
Ids: ``region:<slug>``, ``mrc:<slug>`` (an equivalent territory has the level ``mrc`` too) and
``mun:<slug>``, the name with accents folded.
"""

from __future__ import annotations

import functools
from importlib import resources

from ..hookspecs import hookimpl
from ..model.territory import Territory
from .table import read_builtin

DATA_FILE = "quebec.csv"


@functools.cache
def territories() -> tuple[Territory, ...]:
    """Every territory of the built-in gazetteer, regions first, in the data file's order."""
    data = resources.files("actionplan.territories").joinpath("data", DATA_FILE).read_bytes()
    return tuple(read_builtin(data, DATA_FILE))


@hookimpl
def actionplan_register_territories(register):
    for territory in territories():
        register(territory)
