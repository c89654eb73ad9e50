"""A plugin registered for one test, then removed: what a plugin's own tests need.

::

    from actionplan.testing.plugins import registered

    def test_my_format(tmp_path):
        import my_plugin

        with registered(my_plugin):
            assert b"..." in actionplan.api.render_report(plan, "my-format")
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from .. import plugins as _plugins


@contextlib.contextmanager
def registered(plugin: Any, name: str | None = None) -> Iterator[Any]:
    """Register ``plugin`` (a module or an object with hook implementations) for the ``with`` block.

    Formats, criteria, territories… are gathered again on entry and on exit, so the
    plugin's registrations are seen inside the block and forgotten after it. A plugin
    already registered (installed, it came through its entry point) is left in place.
    A misspelt hook is a :class:`~actionplan.errors.PluginError`, as when plugins load.
    """
    pm = _plugins.get_plugin_manager()
    here = not pm.is_registered(plugin)
    if here:
        pm.register(plugin, name=name)
        try:
            _plugins.check_pending(pm)
        except BaseException:
            pm.unregister(plugin)
            raise
    _plugins.refresh()
    try:
        yield plugin
    finally:
        if here:
            pm.unregister(plugin)
        _plugins.refresh()


__all__ = ["registered"]
