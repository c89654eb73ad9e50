"""Deprecated: the built-in gazetteer is :mod:`actionplan.territories.quebec` (all of Quebec).

Kept for one release so code that imported it keeps working; it registers nothing itself.
"""

from __future__ import annotations

from actionplan.model.territory import Territory

REGION_ID = "region:monteregie"


def _slug(name: str) -> str:
    from actionplan.model.base import slugify

    return slugify(name, max_length=80)


def mrc_id(name: str) -> str:
    return "mrc:" + _slug(name)


def municipality_id(name: str) -> str:
    return "mun:" + _slug(name)


def territories() -> list[Territory]:
    """The Montérégie, its MRC and their municipalities, from the built-in gazetteer."""
    from actionplan.model.territory import Gazetteer

    from .quebec import territories as quebec

    places = Gazetteer(quebec())
    return [places[REGION_ID], *places.descendants(REGION_ID)]
