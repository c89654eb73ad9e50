"""The plugin manager: built-in plugins, entry-point discovery and registries.

Built-in behaviour lives in ordinary plugin modules listed in :data:`DEFAULT_PLUGINS`
and registered exactly like third-party plugins, which arrive through the
``actionplan`` entry-point group. After loading, ``check_pending()`` turns a misspelt
hook implementation into an error instead of silence.
"""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

import pluggy

from . import hookspecs
from .errors import PluginError, UnknownFormatError

T = TypeVar("T")

PROJECT = "actionplan"

#: Built-in plugin modules, registered through the same hooks third parties use.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "actionplan.documents",
    "actionplan.territories.monteregie",
    "actionplan.cli.plan_commands",
    "actionplan.storage.sqlite",
    "actionplan.storage.files",
    "actionplan.cli.store_commands",
    "actionplan.importers.text",
    "actionplan.cli.import_commands",
    "actionplan.reports.builtin", "actionplan.cli.report_commands",
    "actionplan.grants.rules", "actionplan.grants.checks", "actionplan.cli.grant_commands",
)

#: Set to a comma-separated list of entry-point names to load only those
#: (or to an empty string to load none), e.g. for reproducible tests.
ENV_LOAD_PLUGINS = "ACTIONPLAN_LOAD_PLUGINS"


def make_plugin_manager(*, load_entrypoints: bool = True, extra: Iterable[object] = ()) -> pluggy.PluginManager:
    """A fresh plugin manager with the hook specs, the built-ins and (optionally) entry points."""
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    if load_entrypoints:
        selected = os.environ.get(ENV_LOAD_PLUGINS)
        if selected is None:
            pm.load_setuptools_entrypoints(PROJECT)
        else:
            for wanted in filter(None, (n.strip() for n in selected.split(","))):
                pm.load_setuptools_entrypoints(PROJECT, name=wanted)
    for plugin in extra:
        pm.register(plugin)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"a plugin implements a hook that does not exist: {exc}") from exc
    return pm


@functools.cache
def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager (built once, lazily)."""
    return make_plugin_manager()


def reset() -> None:
    """Forget the cached manager itself: the next call loads every plugin again."""
    get_plugin_manager.cache_clear()
    refresh()


def refresh() -> None:
    """Forget what plugins registered (formats, territories…), so it is gathered again.

    Call it after registering or unregistering a plugin by hand on the manager.
    """
    _registries.clear()
    from .territories import _cache

    _cache.clear()


#: Registry kinds in French, for messages.
KINDS_FR = {
    "document format": "format de document", "report format": "format de rapport", "importer": "importateur",
    "criterion": "critère", "territory": "territoire",
}


class Registry(Generic[T]):
    """Things plugins registered under unique names, with who registered each."""

    def __init__(self, kind: str, key: Callable[[T], str]):
        self.kind = kind
        self._key = key
        self._items: dict[str, T] = {}
        self._owners: dict[str, str] = {}

    def register(self, item: T, owner: str) -> None:
        name = self._key(item)
        if not isinstance(name, str) or not name:
            raise PluginError(f"{owner} registered a {self.kind} without a name: {item!r}")
        if name in self._items and self._items[name] is not item and self._items[name] != item:
            raise PluginError(
                f"{self.kind} {name!r} is registered twice: by {self._owners[name]} and by {owner}"
            )
        self._items[name] = item
        self._owners[name] = owner

    def __getitem__(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "none"
            kind_fr = KINDS_FR.get(self.kind, f"« {self.kind} »")
            raise UnknownFormatError(f"no {self.kind} named {name!r}; installed: {known}",
                                     fr=f"aucun {kind_fr} nommé {name!r}; installés : {known}") from None

    def get(self, name: str) -> T | None:
        return self._items.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self):
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def names(self) -> list[str]:
        return sorted(self._items)

    def owner(self, name: str) -> str:
        return self._owners[name]


def collect(hook_name: str, kind: str, key: Callable[[Any], str], pm: pluggy.PluginManager | None = None) -> Registry:
    """Call a ``register_*`` hook and gather what every plugin registered."""
    pm = pm or get_plugin_manager()
    registry: Registry = Registry(kind, key)
    hook = getattr(pm.hook, hook_name)
    for impl in reversed(hook.get_hookimpls()):  # earliest registered first; later may not shadow
        owner = pm.get_name(impl.plugin) or repr(impl.plugin)
        impl.function(**{arg: (lambda item, _o=owner: registry.register(item, _o)) for arg in impl.argnames})
    return registry


_registries: dict[str, Registry] = {}


def registry(hook_name: str, kind: str, key: Callable[[Any], str]) -> Registry:
    """A cached :func:`collect` on the process-wide manager."""
    if hook_name not in _registries:
        _registries[hook_name] = collect(hook_name, kind, key)
    return _registries[hook_name]
