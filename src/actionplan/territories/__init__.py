"""The gazetteer in force: every territory registered by plugins (all of Quebec's regions and MRC are built in)."""

from __future__ import annotations

import pluggy

from ..model.territory import Gazetteer, Territory
from ..plugins import collect, on_refresh, registry

HOOK = "actionplan_register_territories"


def _territory_id(territory: Territory) -> str:
    return territory.id


def default_gazetteer(pm: pluggy.PluginManager | None = None) -> Gazetteer:
    """A gazetteer of every territory that installed plugins register."""
    if pm is None:
        return _cached()
    return Gazetteer(collect(HOOK, "territory", _territory_id, pm))


#: The process-wide gazetteer, built once; forgotten when the plugins' registrations are.
_cache: list[Gazetteer] = []
on_refresh(_cache.clear)


def _cached() -> Gazetteer:
    if not _cache:
        _cache.append(Gazetteer(registry(HOOK, "territory", _territory_id)))
    return _cache[0]
