"""The plugin manager: built-in plugins, entry-point discovery and registries.

Built-in behaviour lives in ordinary plugin modules listed in :data:`DEFAULT_PLUGINS`
and registered exactly like third-party plugins, which arrive through the
``actionplan`` entry-point group. After loading, ``check_pending()`` turns a misspelt
hook implementation into an error instead of silence.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import inspect
import os
import sys
import traceback
from collections.abc import Callable, Hashable, Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any, Generic, TypeVar

import pluggy

from . import hookspecs
from .errors import PluginError, UnknownFormatError
from .hookspecs import PROJECT
from .i18n import N_, Message, Verbatim, add_catalogue_source, catalogue_key

T = TypeVar("T")

#: Built-in plugin modules, registered through the same hooks third parties use.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "actionplan.documents", "actionplan.builtin_types",
    "actionplan.territories.quebec",
    "actionplan.cli.plan_commands", "actionplan.cli.territory_commands",
    "actionplan.storage.sqlite",
    "actionplan.storage.files",
    "actionplan.cli.store_commands", "actionplan.cli.cycle_commands", "actionplan.cli.due_commands",
    "actionplan.importers.text",
    "actionplan.cli.import_commands", "actionplan.cli.diff_commands",
    "actionplan.reports.builtin", "actionplan.reports.score_sheet", "actionplan.cli.report_commands",
    "actionplan.grants.rules", "actionplan.grants.checks", "actionplan.grants.committee",
    "actionplan.cli.grant_commands",
)

#: The hooks each built-in plugin implements. The manager registers a :class:`LazyPlugin` for
#: each, which imports the module only when one of these hooks is called: ``actionplan validate``
#: never imports the stores, the report formats or the other commands. A test holds the table to
#: what the modules implement; a built-in missing from it is imported and registered at once.
BUILTIN_HOOKS: dict[str, tuple[str, ...]] = {
    "actionplan.documents": ("actionplan_register_document_formats",),
    "actionplan.builtin_types": ("actionplan_register_document_types",),
    "actionplan.territories.quebec": ("actionplan_register_territories",),
    "actionplan.cli.plan_commands": ("actionplan_register_commands",),
    "actionplan.cli.territory_commands": ("actionplan_register_commands",),
    "actionplan.storage.sqlite": ("actionplan_open_store",),
    "actionplan.storage.files": ("actionplan_open_store",),
    "actionplan.cli.store_commands": ("actionplan_register_commands",),
    "actionplan.cli.cycle_commands": ("actionplan_register_commands",),
    "actionplan.cli.due_commands": ("actionplan_register_commands",),
    "actionplan.importers.text": ("actionplan_register_importers",),
    "actionplan.cli.import_commands": ("actionplan_register_commands",),
    "actionplan.cli.diff_commands": ("actionplan_register_commands",),
    "actionplan.reports.builtin": ("actionplan_register_report_formats",),
    "actionplan.reports.score_sheet": ("actionplan_register_score_sheet_formats",),
    "actionplan.cli.report_commands": ("actionplan_register_commands",),
    "actionplan.grants.rules": ("actionplan_register_criteria",),
    "actionplan.grants.checks": ("actionplan_plan_checks", "actionplan_register_document_types"),
    "actionplan.grants.committee": ("actionplan_register_document_types",),
    "actionplan.cli.grant_commands": ("actionplan_register_commands",),
}


class LazyPlugin:
    """Stands in the plugin manager for a built-in plugin module until one of its hooks is called.

    Each hook of ``hooks`` is an attribute taking the hook's arguments (pluggy reads them from the
    hook's specification); the first call imports the module, and every call is passed on to the
    module's own implementation with the arguments it takes. :attr:`module` imports it at once.
    """

    def __init__(self, module_name: str, hooks: Iterable[str]):
        self.__name__ = module_name
        self._module: ModuleType | None = None
        for hook in hooks:
            setattr(self, hook, self._stand_in(hook))

    @property
    def module(self) -> ModuleType:
        """The plugin module, imported now if it was not yet."""
        if self._module is None:
            self._module = importlib.import_module(self.__name__)
        return self._module

    def _stand_in(self, hook: str) -> Callable[..., Any]:
        spec = getattr(hookspecs, hook)
        spec_args = tuple(inspect.signature(spec).parameters)
        taken: list[tuple[str, ...]] = []  # the arguments the module's implementation takes, once known

        def call(*args: Any, **kwargs: Any) -> Any:
            function = getattr(self.module, hook)
            if not taken:
                taken.append(tuple(inspect.signature(function).parameters))
            kwargs.update(zip(spec_args, args))
            return function(**{name: kwargs[name] for name in taken[0]})

        call.__wrapped__ = spec  # type: ignore[attr-defined]  # pluggy reads the arguments from the spec
        call.__name__ = call.__qualname__ = hook
        return hookspecs.hookimpl(call)

    def __repr__(self) -> str:
        return f"<LazyPlugin {self.__name__}>"


def builtin_plugin(name: str) -> object:
    """What the manager registers for the built-in plugin module ``name``: a :class:`LazyPlugin`
    when :data:`BUILTIN_HOOKS` lists its hooks, else the module itself."""
    hooks = BUILTIN_HOOKS.get(name)
    return importlib.import_module(name) if hooks is None else LazyPlugin(name, hooks)


#: Set to a comma-separated list of entry-point names to load only those
#: (or to an empty string to load none), e.g. for reproducible tests.
ENV_LOAD_PLUGINS = "ACTIONPLAN_LOAD_PLUGINS"

#: Comma-separated local plugin modules to load without packaging them, like
#: ``actionplan --plugin MODULE``: dotted names importable from the current directory,
#: or paths to ``.py`` files.
ENV_PLUGINS = "ACTIONPLAN_PLUGINS"


def make_plugin_manager(*, load_entrypoints: bool = True, extra: Iterable[object] = ()) -> pluggy.PluginManager:
    """A fresh plugin manager with the hook specs, the built-ins and (optionally) entry points."""
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        pm.register(builtin_plugin(name), name=name)
    if load_entrypoints:
        selected = os.environ.get(ENV_LOAD_PLUGINS)
        if selected is None:
            pm.load_setuptools_entrypoints(PROJECT)
        else:
            for wanted in filter(None, (n.strip() for n in selected.split(","))):
                pm.load_setuptools_entrypoints(PROJECT, name=wanted)
    for plugin in extra:
        pm.register(plugin)
    check_pending(pm)
    return pm


def check_pending(pm: pluggy.PluginManager) -> None:
    """Fail on a hook implementation that matches no hook (a misspelt name): a :class:`PluginError`."""
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(Message("plugins.plugin_implements_hook_that_does", exc=exc)) from exc


@functools.cache
def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager (built once, lazily), with the local plugins of ``$ACTIONPLAN_PLUGINS``."""
    pm = make_plugin_manager()
    load_local_plugins(env_plugins(), pm)
    return pm


def env_plugins() -> list[str]:
    """The local plugin modules named by ``$ACTIONPLAN_PLUGINS`` (comma-separated)."""
    return [name.strip() for name in os.environ.get(ENV_PLUGINS, "").split(",") if name.strip()]


def load_local_plugins(specs: Iterable[str], pm: pluggy.PluginManager | None = None) -> list[ModuleType]:
    """Import local plugin modules and register them, without packaging (``actionplan --plugin``).

    Each of ``specs`` is a dotted module name importable from the current directory (which
    is put on ``sys.path``, as ``python -m`` does) or the path of a ``.py`` file. A module
    already registered is skipped. Returns the modules registered now, after which the
    registries are gathered again. A module that cannot be found or fails to import is a
    :class:`~actionplan.errors.PluginError` naming it.
    """
    pm = pm or get_plugin_manager()
    added = []
    for spec in specs:
        if pm.get_plugin(spec) is not None:
            continue
        module = _import_local(spec)
        if pm.is_registered(module):
            continue
        pm.register(module, name=spec)
        added.append(module)
    if added:
        try:
            check_pending(pm)
        except PluginError:
            for module in added:
                pm.unregister(module)
            raise
        refresh()
    return added


def _is_path(spec: str) -> bool:
    return spec.endswith(".py") or "/" in spec or os.sep in spec


def _import_local(spec: str) -> ModuleType:
    try:
        return _import_file(Path(spec)) if _is_path(spec) else _import_dotted(spec)
    except PluginError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the plugin's own code raised while importing
        detail = exc.msg if isinstance(exc, SyntaxError) else exc
        raise PluginError(Message("plugins.failed_to_import", spec=repr(spec), where=_failing_line(exc),
                                  error=type(exc).__name__, detail=str(detail))) from None


def _import_dotted(name: str) -> ModuleType:
    if not all(part.isidentifier() for part in name.split(".")):
        raise PluginError(Message("plugins.plugin_expected_module_name_my", name=name))
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
            raise PluginError(Message("plugins.plugin_no_module_that_name", name=name, cwd=cwd)) from None
        raise


def _import_file(path: Path) -> ModuleType:
    if not path.is_file():
        raise PluginError(Message("plugins.plugin_no_such_file", path=str(path)))
    if path.suffix != ".py" or not path.stem.isidentifier():
        raise PluginError(Message("plugins.plugin_expected_python_file_whose", path=str(path)))
    resolved = path.resolve()
    known = sys.modules.get(path.stem)
    known_file = getattr(known, "__file__", None)
    if known is not None and known_file and Path(known_file).resolve() == resolved:
        return known
    spec = importlib.util.spec_from_file_location(path.stem, resolved)
    assert spec is not None and spec.loader is not None  # a .py file always has a source loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[path.stem]
        raise
    return module


def _failing_line(exc: BaseException) -> Message:
    """`` (mymodule.py, line 3)``: the plugin's own line where the import failed (empty if unknown)."""
    if isinstance(exc, SyntaxError) and exc.filename and exc.lineno:
        name, line = Path(exc.filename).name, exc.lineno
    else:
        ours = str(Path(__file__).resolve().parent)
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if not f.filename.startswith(("<", ours)) and "importlib" not in f.filename]
        if not frames or frames[-1].lineno is None:
            return Verbatim("")
        name, line = Path(frames[-1].filename).name, frames[-1].lineno
    return Message("plugins.failing_line", file=name, line=line)


def reset() -> None:
    """Forget the cached manager itself: the next call loads every plugin again."""
    get_plugin_manager.cache_clear()
    refresh()


def refresh() -> None:
    """Forget what plugins registered (formats, territories…), so it is gathered again.

    Call it after registering or unregistering a plugin by hand on the manager.
    """
    _registries.clear()
    for callback in _refresh_callbacks:
        callback()


#: What :func:`refresh` calls besides clearing the registries (see :func:`on_refresh`).
_refresh_callbacks: list[Callable[[], None]] = []


def on_refresh(callback: Callable[[], None]) -> Callable[[], None]:
    """Have ``callback`` called by every :func:`refresh`: a module above this one that caches
    something built from the registries (the gazetteer) forgets it then. Returns ``callback``.
    """
    if callback not in _refresh_callbacks:
        _refresh_callbacks.append(callback)
    return callback


#: Registry kinds in French, for messages.
KIND_CODES = {
    "document format": N_("plugins.kind.document_format"), "report format": N_("plugins.kind.report_format"),
    "importer": N_("plugins.kind.importer"), "criterion": N_("plugins.kind.criterion"),
    "territory": N_("plugins.kind.territory"), "message catalogue": N_("plugins.kind.message_catalogue"),
    "document type": N_("plugins.kind.document_type"),
}


class Registry(Generic[T]):
    """Things plugins registered under unique names, with who registered each."""

    def __init__(self, kind: str, key: Callable[[T], str], unique: Mapping[str, Callable[[T], Hashable]] | None = None):
        self.kind = kind
        self._key = key
        #: Other properties no two items may share (a document type's class), by what they are called.
        self._unique = dict(unique or {})
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
        for what, value_of in self._unique.items():
            value = value_of(item)
            for other_name, other in self._items.items():
                if other_name != name and value_of(other) == value:
                    shown = value.__qualname__ if isinstance(value, type) else repr(value)
                    raise PluginError(f"{self.kind} {what} {shown} is registered twice: as {other_name!r} by "
                                      f"{self._owners[other_name]} and as {name!r} by {owner}")
        self._items[name] = item
        self._owners[name] = owner

    def __getitem__(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "none"
            kind = Message(KIND_CODES[self.kind]) if self.kind in KIND_CODES else Verbatim(f"« {self.kind} »")
            raise UnknownFormatError(Message("plugins.none_named", kind=kind, name=repr(name), known=known)) from None

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


def collect(hook_name: str, kind: str, key: Callable[[Any], str], pm: pluggy.PluginManager | None = None, *,
            unique: Mapping[str, Callable[[Any], Hashable]] | None = None) -> Registry:
    """Call a ``register_*`` hook and gather what every plugin registered.

    ``key`` gives each item's name; ``unique`` names other properties no two items may share.
    """
    pm = pm or get_plugin_manager()
    registry: Registry = Registry(kind, key, unique)
    hook = getattr(pm.hook, hook_name)
    for impl in reversed(hook.get_hookimpls()):  # earliest registered first; later may not shadow
        owner = pm.get_name(impl.plugin) or repr(impl.plugin)
        impl.function(**{arg: (lambda item, _o=owner: registry.register(item, _o)) for arg in impl.argnames})
    return registry


_registries: dict[str, Registry] = {}


def registry(hook_name: str, kind: str, key: Callable[[Any], str], *,
             unique: Mapping[str, Callable[[Any], Hashable]] | None = None) -> Registry:
    """A cached :func:`collect` on the process-wide manager."""
    if hook_name not in _registries:
        _registries[hook_name] = collect(hook_name, kind, key, unique=unique)
    return _registries[hook_name]


# the plugins' message catalogues, looked up by actionplan.i18n after the core's
add_catalogue_source(lambda: registry("actionplan_register_catalogues", "message catalogue", catalogue_key))
