"""Territories: an extensible gazetteer of region → MRC → municipality.

The gazetteer is data, not code: the built-in Montérégie list is registered by a
default plugin, plans may declare their own territories, and other plugins add theirs
through the ``actionplan_register_territories`` hook.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, KeysView, Mapping

import attrs

from .base import check_id, check_optional_id, check_text, fold

LEVELS = ("country", "province", "region", "mrc", "municipality", "neighbourhood", "other")


@attrs.frozen
class Territory:
    """A named place. ``parent`` is the id of the territory that contains it."""

    id: str = attrs.field(validator=check_id)
    name: str = attrs.field(validator=check_text)
    level: str = attrs.field(default="other", validator=attrs.validators.in_(LEVELS))
    parent: str | None = attrs.field(default=None, validator=check_optional_id)
    code: str | None = None  # an official code (e.g. the MAMH geographic code) when known


class Gazetteer(Mapping[str, Territory]):
    """An immutable index of territories by id, with containment queries.

    Reaching a territory reaches everything inside it: an MRC reaches all of its
    municipalities (``municipalities_reached``).
    """

    def __init__(self, territories: Iterable[Territory] = ()):
        self._by_id: dict[str, Territory] = {}
        for territory in territories:
            existing = self._by_id.get(territory.id)
            if existing is not None and existing != territory:
                raise ValueError(f"territory id {territory.id!r} is defined twice, differently")
            self._by_id[territory.id] = territory
        self._children: dict[str | None, list[str]] = {}
        for territory in self._by_id.values():
            self._children.setdefault(territory.parent, []).append(territory.id)
        self._by_name: dict[str, list[str]] = {}
        for territory in self._by_id.values():
            self._by_name.setdefault(fold(territory.name), []).append(territory.id)

    def __getitem__(self, key: str) -> Territory:
        return self._by_id[key]

    def __contains__(self, key: object) -> bool:  # the plan checks ask this for every territory named
        return key in self._by_id

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    @property
    def ids(self) -> KeysView[str]:
        """The territory ids, as a set-like view: ``territory_id in gazetteer.ids`` asks the index itself."""
        return self._by_id.keys()

    def __len__(self) -> int:
        return len(self._by_id)

    def extended(self, territories: Iterable[Territory]) -> Gazetteer:
        """A new gazetteer with ``territories`` added (a plan's own territories)."""
        return Gazetteer([*self._by_id.values(), *territories])

    def children(self, territory_id: str) -> tuple[Territory, ...]:
        return tuple(self._by_id[i] for i in self._children.get(territory_id, ()))

    def descendants(self, territory_id: str) -> Iterator[Territory]:
        stack = list(self._children.get(territory_id, ()))
        while stack:
            current = stack.pop()
            yield self._by_id[current]
            stack.extend(self._children.get(current, ()))

    def ancestors(self, territory_id: str) -> Iterator[Territory]:
        current = self._by_id[territory_id].parent
        seen = set()
        while current is not None and current not in seen and current in self._by_id:
            seen.add(current)
            yield self._by_id[current]
            current = self._by_id[current].parent

    def is_within(self, territory_id: str, container_id: str) -> bool:
        return territory_id == container_id or any(t.id == container_id for t in self.ancestors(territory_id))

    def municipalities_reached(self, territory_ids: Iterable[str]) -> frozenset[str]:
        """Ids of the municipalities reached by ``territory_ids`` (an MRC reaches all of its own)."""
        reached: set[str] = set()
        for territory_id in territory_ids:
            territory = self._by_id.get(territory_id)
            if territory is None:
                continue
            if territory.level == "municipality":
                reached.add(territory.id)
            reached.update(t.id for t in self.descendants(territory_id) if t.level == "municipality")
        return frozenset(reached)

    def by_level(self, level: str) -> tuple[Territory, ...]:
        return tuple(t for t in self._by_id.values() if t.level == level)

    def find(self, name: str, level: str | None = None) -> tuple[Territory, ...]:
        """Territories whose name matches ``name`` ignoring case and accents."""
        ids = self._by_name.get(fold(name), ())
        found = tuple(self._by_id[i] for i in ids)
        return tuple(t for t in found if level is None or t.level == level)
