"""``actionplan territories``: the gazetteer as a tree, and territories imported from a CSV table.

    actionplan territories list [--under ID|NAME] [--plan PLAN] [--depth N] [--lang en]
    actionplan territories import FILE.csv [--into PLAN] [--columns name=NOM,parent=MRC] [--level …]
                                           [--parent ID|NAME] [--encoding cp1252] [--replace]

Imported territories live in a plan's ``custom_territories`` (a plan file, or a plan id in
the store): the checks, the progress reports and the grant criteria of that plan, and of the
applications to its program, count them (docs/territories.md).
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import click

import actionplan

from ..errors import ActionplanError, ValidationError
from ..i18n import N_, Plural, t, tn
from .common import lang_option as _lang_option




#: Territory levels → the codes of their name, singular and plural.
LEVEL_CODES = {
    "region": (N_("cli.territories.level.region"), N_("cli.territories.levels.region")),
    "mrc": (N_("cli.territories.level.mrc"), N_("cli.territories.levels.mrc")),
    "municipality": (N_("cli.territories.level.municipality"), N_("cli.territories.levels.municipality")),
    "neighbourhood": (N_("cli.territories.level.neighbourhood"), N_("cli.territories.levels.neighbourhood")),
    "country": (N_("cli.territories.level.country"), N_("cli.territories.levels.country")),
    "province": (N_("cli.territories.level.province"), N_("cli.territories.levels.province")),
    "other": (N_("cli.territories.level.other"), N_("cli.territories.levels.other")),
}


def gazetteer_for(state, plan_ref: str | None):
    """The installed gazetteer, with a plan's own territories when ``plan_ref`` names one."""
    from ..territories import default_gazetteer

    if plan_ref is None:
        return default_gazetteer()
    from ..checks import plan_gazetteer
    from .common import resolve_plan

    return plan_gazetteer(resolve_plan(state, plan_ref))


def find_territory(gazetteer, value: str, lang: str, param_hint: str = "--under") -> str:
    """The id ``value`` names (an id or a name), or a usage error suggesting the closest one."""
    from ..importers import resolve_territory

    if value in gazetteer:
        return value
    found = resolve_territory(value, gazetteer)
    if found is not None:
        return found
    raise click.BadParameter(t("cli.territories.unknown", lang, value=value, hint=closest_hint(gazetteer, value, lang)),
                             param_hint=param_hint)


def closest_hint(gazetteer, value: str, lang: str) -> str:
    """« (vouliez-vous dire 'mrc:papineau' ?) » when an id or a name of the gazetteer is close to ``value``."""
    names = {t.name: t.id for t in gazetteer.values()}
    close = difflib.get_close_matches(value, list(gazetteer), n=1)
    if not close:
        by_name = difflib.get_close_matches(value, list(names), n=1, cutoff=0.7)
        close = [names[by_name[0]]] if by_name else []
    return t("cli.territories.did_you_mean", lang, close=close[0]) if close else ""


def _level(level: str, lang: str, count: int = 1) -> str:
    codes = LEVEL_CODES.get(level)
    return t(codes[0] if count == 1 else codes[1], lang) if codes else level


def level_counts(territories: Iterable, lang: str) -> str:
    counts: dict[str, int] = {}
    for territory in territories:
        counts[territory.level] = counts.get(territory.level, 0) + 1
    order = ("country", "province", "region", "mrc", "municipality", "neighbourhood", "other")
    return ", ".join(f"{counts[level]} {_level(level, lang, counts[level])}" for level in order if level in counts)


def _line(territory, depth: int, lang: str) -> str:
    code = f" {territory.code}" if territory.code else ""
    return f"{'  ' * depth}{territory.name} — {_level(territory.level, lang)}{code} ({territory.id})"


def render_tree(gazetteer, roots: Sequence, max_depth: int | None, lang: str) -> list[str]:
    """The territories under ``roots`` as indented lines, children sorted by name the French way."""
    from ..model.base import fold

    lines: list[str] = []

    def walk(territory, depth: int) -> None:
        lines.append(_line(territory, depth, lang))
        children = sorted(gazetteer.children(territory.id), key=lambda t: (fold(t.name), t.id))
        if not children:
            return
        if max_depth is not None and depth >= max_depth:
            hidden = sum(1 for _ in gazetteer.descendants(territory.id))
            lines.append("  " * (depth + 1) + t("cli.territories.hidden", lang, count=hidden))
            return
        for child in children:
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return lines


def _roots(gazetteer) -> list:
    """Territories whose parent is not in the gazetteer, regions first, by name."""
    from ..model.base import fold

    order = ("country", "province", "region", "mrc", "municipality", "neighbourhood", "other")
    roots = [t for t in gazetteer.values() if t.parent is None or t.parent not in gazetteer]
    return sorted(roots, key=lambda t: (order.index(t.level) if t.level in order else len(order), fold(t.name)))


@actionplan.hookimpl
def actionplan_register_commands(cli):
    @cli.group(help=N_("cli.territories.help"))
    def territories():
        """The gazetteer: Quebec's regions and MRC, and the territories a table adds (docs/territories.md)."""

    @territories.command("list", help=N_("cli.territories.list.help"))
    @click.option("--under", "under", default=None, metavar="ID|NAME",
                  help=N_("cli.territories.list.option.under"))
    @click.option("--plan", "plan_ref", default=None, metavar="FILE|ID",
                  help=N_("cli.territories.list.option.plan_ref"))
    @click.option("--depth", type=click.IntRange(0, 10), default=None,
                  help=N_("cli.territories.list.option.depth"))
    @_lang_option
    @click.pass_obj
    def list_command(state, under, plan_ref, depth, lang):
        """Show the territories as a tree: name, level, official code and id."""
        lang = lang or state.lang
        gazetteer = gazetteer_for(state, plan_ref)
        if under is not None:
            root = gazetteer[find_territory(gazetteer, under, lang)]
            shown = [root, *gazetteer.descendants(root.id)]
            lines = render_tree(gazetteer, [root], depth, lang)
        else:
            shown = list(gazetteer.values())
            lines = render_tree(gazetteer, _roots(gazetteer), 1 if depth is None else depth, lang)
        click.echo("\n".join(lines))
        click.echo(tn("cli.territories.summary", len(shown), lang, levels=level_counts(shown, lang)))

    @territories.command("import", help=N_("cli.territories.import.help"))
    @click.argument("file", type=click.Path(dir_okay=False))
    @click.option("--into", "into", default=None, metavar="PLAN",
                  help=N_("cli.territories.import.option.into"))
    @click.option("--columns", default=None, metavar="FIELD=HEADER,…",
                  help=N_("cli.territories.import.option.columns"))
    @click.option("--level", default=None, help=N_("cli.territories.import.option.level"))
    @click.option("--parent", default=None, metavar="ID|NAME", help=N_("cli.territories.import.option.parent"))
    @click.option("--encoding", default="utf-8", show_default=True, help=N_("cli.territories.import.option.encoding"))
    @click.option("--replace", is_flag=True, help=N_("cli.territories.import.option.replace"))
    @_lang_option
    @click.pass_obj
    def import_command(state, file, into, columns, level, parent, encoding, replace, lang):
        """Read territories from a CSV table (a government export too) and add them to a plan: all or none."""
        from ..territories.table import TableOptions, parse_columns, read_table

        lang = lang or state.lang
        installed = gazetteer_for(state, None)
        gazetteer = gazetteer_for(state, into) if into else installed
        if parent is not None:
            parent = find_territory(gazetteer, parent, lang, "--parent")
        options = TableOptions(columns=parse_columns(columns), level=level, parent=parent)
        data = Path(file).read_bytes()
        try:
            found = read_table(data, file, gazetteer, options, encoding, installed=installed)
        except ValidationError as exc:
            _echo_table_issues(exc, file, lang)
            raise click.exceptions.Exit(2) from None
        click.echo(tn("cli.territories.read", len(found), lang, source=file, levels=level_counts(found, lang) or "0"))
        if into is None:
            click.echo(t("cli.territories.dry_run", lang))
            return
        counts = add_to_plan(state, into, found, replace, lang)
        click.echo(tn("cli.territories.added", counts["added"], lang, target=into,
                      replaced=Plural("cli.territories.replaced_count", counts["replaced"]),
                      same=Plural("cli.territories.same_count", counts["same"])))


def _echo_table_issues(exc: ValidationError, source: str, lang: str) -> None:
    from ..territories.table import issue_in

    click.echo(tn("cli.territories.invalid_table", len(exc.issues), lang, source=source), err=True)
    for issue in exc.issues:
        click.echo(f"  {issue_in(issue, lang)}", err=True)


# -- adding territories to a plan -----------------------------------------------------------------


def merge(existing: Sequence, new: Sequence, replace: bool, target: str, lang: str):
    """The plan's custom territories with ``new`` ones: (territories, counts); refuses changes without ``replace``."""
    by_id = {t.id: t for t in existing}
    changed = [t for t in new if t.id in by_id and by_id[t.id] != t]
    if changed and not replace:
        ids = ", ".join(t.id for t in changed[:5]) + (" …" if len(changed) > 5 else "")
        raise ActionplanError(Plural("cli.territories.changed", len(changed), target=target, ids=ids))
    result = dict(by_id)
    for territory in new:
        result[territory.id] = territory
    counts = {"added": sum(1 for t in new if t.id not in by_id), "replaced": len(changed),
              "same": sum(1 for t in new if by_id.get(t.id) == t)}
    return tuple(result.values()), counts


def add_to_plan(state, into: str, found: Sequence, replace: bool, lang: str) -> dict[str, int]:
    """Add ``found`` to the custom territories of a plan file, or of a plan in the store."""
    from ..model.base import is_valid_id

    if not os.path.exists(into) and is_valid_id(into):
        return _add_in_store(state, into, found, replace, lang)
    from ..documents import format_for, write_atomic
    from ..model import ActionPlan
    from .common import load_document_of

    path = Path(into)
    plan = load_document_of(path, ActionPlan)
    territories, counts = merge(plan.custom_territories, found, replace, into, lang)
    original = path.read_bytes()
    fmt = format_for(path)
    if fmt.name == "yaml":
        payload = replace_yaml_key(original, "custom_territories", render_yaml_territories(territories))
    else:
        data = fmt.loads(original)
        data["custom_territories"] = [_plain(t) for t in territories]
        payload = fmt.dumps(data)
    actionplan.loads(payload, format=fmt.name)  # the whole plan checked again before anything is written
    write_atomic(path, payload)
    return counts


def _add_in_store(state, plan_id: str, found: Sequence, replace: bool, lang: str) -> dict[str, int]:
    import attrs

    from ..checks import check_plan
    from ..storage import DEFAULT_URL, open_store

    with open_store(getattr(state, "store_url", None) or DEFAULT_URL) as store:
        stored = store.get(plan_id)
        plan = stored.document
        territories, counts = merge(plan.custom_territories, found, replace, plan_id, lang)
        updated = attrs.evolve(plan, custom_territories=territories)
        errors = [i for i in check_plan(updated) if i.severity == "error"]
        if errors:
            raise ValidationError(errors, plan_id)
        store.save(updated, expected_version=stored.info.version, comment="actionplan territories import")
    return counts


def _plain(territory) -> dict:
    data = {"id": territory.id, "name": territory.name, "level": territory.level}
    if territory.parent is not None:
        data["parent"] = territory.parent
    if territory.code is not None:
        data["code"] = territory.code
    return data


def render_yaml_territories(territories: Sequence) -> str:
    """A ``custom_territories:`` block, one flow mapping a line (JSON strings are YAML strings)."""
    lines = ["custom_territories:"]
    for territory in territories:
        fields = ", ".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in _plain(territory).items())
        lines.append(f"  - {{{fields}}}")
    return "\n".join(lines) + "\n"


def replace_yaml_key(original: bytes, key: str, block: str) -> bytes:
    """``original`` YAML with the top-level ``key`` replaced by ``block`` (appended when absent).

    Only the lines of that key change: the rest of the file, comments included, is kept.
    """
    import io

    from ruamel.yaml import YAML

    text = original.decode("utf-8-sig")
    lines = text.splitlines(keepends=True)
    data = YAML(typ="rt", pure=True).load(io.StringIO(text))
    keys = list(data.keys())
    if key not in keys:
        ending = "" if not lines or lines[-1].endswith("\n") else "\n"
        return (text + ending + block).encode("utf-8")
    start = data.lc.key(key)[0]
    following = keys.index(key) + 1
    end = data.lc.key(keys[following])[0] if following < len(keys) else len(lines)
    while end - 1 > start and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1  # blank lines and comments before the next key stay with it
    return "".join([*lines[:start], block, *lines[end:]]).encode("utf-8")


__all__ = ["add_to_plan", "closest_hint", "find_territory", "merge", "render_tree", "replace_yaml_key"]
