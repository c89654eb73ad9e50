"""The gazetteer in force: every territory registered by plugins (all of Quebec's regions and MRC are built in)."""

from __future__ import annotations

from ..model.territory import Gazetteer


def default_gazetteer(pm=None) -> Gazetteer:
    """A gazetteer of every territory that installed plugins register."""
    from ..plugins import collect, get_plugin_manager

    if pm is None:
        return _cached()
    registry = collect("actionplan_register_territories", "territory", lambda t: t.id, pm)
    return Gazetteer(registry)


_cache: list[Gazetteer] = []


def _cached() -> Gazetteer:
    if not _cache:
        from ..plugins import registry

        _cache.append(Gazetteer(registry("actionplan_register_territories", "territory", lambda t: t.id)))
    return _cache[0]
