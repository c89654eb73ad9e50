"""Griffe extension for the documentation site: the docstrings' reST roles become links.

actionplan's docstrings are prose in reStructuredText style: ``:class:`ReportFormat```,
``:func:`~actionplan.reports.safety.markdown_text```, ``:mod:`.rules```, and literal blocks
introduced by ``::``. mkdocstrings renders docstrings as Markdown, where a role would show
as ``:class:`` followed by code. Once the package is loaded, this extension rewrites every
docstring:

- a role whose target exists in the loaded package becomes a cross-reference to it (a link
  when the object is rendered in the reference, plain code otherwise);
- a role naming an ``actionplan`` object that does not exist is a warning, which
  ``mkdocs build --strict`` turns into a failed build: a reference cannot silently rot;
- a role naming something outside the package (``decimal.Decimal``, ``cattrs``) stays code;
- ``text::`` before a literal block reads ``text:``.

Loaded from ``mkdocs.yml`` (``extensions: [tools/griffe_sphinx_roles.py]``).
"""

from __future__ import annotations

import html
import re
from typing import Any

import griffe

logger = griffe.get_logger("actionplan_docs")

ROLE = re.compile(r":(?:py:)?(?P<role>class|mod|func|meth|attr|data|exc|obj):`(?P<body>[^`]+)`")
LITERAL_INTRO = re.compile(r"(?<=\S)::$", flags=re.MULTILINE)
BARE_LITERAL_INTRO = re.compile(r"^[ \t]*::[ \t]*$", flags=re.MULTILINE)
EXPLICIT_TITLE = re.compile(r"^(?P<title>.+?)\s*<(?P<target>[^<>]+)>$")


class SphinxRoles(griffe.Extension):
    """Rewrite the reST roles of every docstring of a loaded package into cross-references."""

    def __init__(self, checked_packages: tuple[str, ...] | list[str] = ("actionplan",)) -> None:
        super().__init__()
        self.checked_packages = tuple(checked_packages)

    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        """Rewrite the docstrings of ``pkg`` and of everything it defines."""
        for obj in _objects(pkg):
            if obj.docstring is not None:
                obj.docstring.value = self.rewrite(obj, obj.docstring.value, loader.modules_collection)

    def rewrite(self, obj: griffe.Object, text: str, collection: griffe.ModulesCollection) -> str:
        """``text`` (the docstring of ``obj``) with its roles as cross-references."""

        def replace(match: re.Match[str]) -> str:
            return self._reference(obj, match["role"], match["body"], collection)

        text = ROLE.sub(replace, text)
        text = BARE_LITERAL_INTRO.sub("", text)
        return LITERAL_INTRO.sub(":", text)

    def _reference(self, obj: griffe.Object, role: str, body: str, collection: griffe.ModulesCollection) -> str:
        explicit = EXPLICIT_TITLE.match(body)
        target = (explicit["target"] if explicit else body).strip()
        short = target.startswith("~")
        target = target.lstrip("~").removesuffix("()")
        if explicit:
            title = explicit["title"]
        elif short:
            title = target.rsplit(".", 1)[-1]
        else:
            title = target.lstrip(".")
        if role in ("func", "meth") and not explicit:
            title += "()"
        code = f"<code>{html.escape(title)}</code>"
        found = _find(obj, target, collection)
        if found is None:
            if target.lstrip(".").split(".", 1)[0] in self.checked_packages or target.startswith("."):
                location = f"{obj.filepath}:{obj.docstring.lineno if obj.docstring else obj.lineno}"
                logger.warning(f"{location}: {obj.path}: :{role}:`{body}` names nothing that exists")
            return code
        return f'<autoref identifier="{html.escape(found, quote=True)}" optional>{code}</autoref>'


def _objects(obj: griffe.Object):
    """``obj`` and every object defined in it (aliases, imported names, are not walked)."""
    yield obj
    for member in obj.members.values():
        if not member.is_alias:
            yield from _objects(member)  # type: ignore[arg-type]


def _get(path: str, collection: griffe.ModulesCollection) -> griffe.Object | griffe.Alias | None:
    try:
        return collection.get_member(path)
    except (KeyError, ValueError, AttributeError):
        return None


def _find(obj: griffe.Object, target: str, collection: griffe.ModulesCollection) -> str | None:
    """The canonical path of what ``target`` names, seen from ``obj``; ``None`` when nothing."""
    candidates = []
    if target.startswith("."):
        candidates.append(obj.module.path + target)
        candidates.append(obj.module.path.rsplit(".", 1)[0] + target)
    else:
        candidates.append(target)
        head, _, rest = target.partition(".")
        try:
            resolved = obj.resolve(head)
        except griffe.NameResolutionError:
            resolved = None
        if resolved:
            candidates.insert(0, f"{resolved}.{rest}" if rest else resolved)
    for path in candidates:
        found = _get(path, collection)
        if found is None:
            continue
        try:
            return found.canonical_path
        except griffe.AliasResolutionError:
            return None  # an import of something outside the loaded packages
    return None
