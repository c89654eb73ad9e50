"""What changed between two versions of a plan: objectives, actions, indicators and targets
added, removed, changed or moved.

:func:`diff_plans` compares two :class:`~actionplan.model.ActionPlan` and gives a
:class:`PlanDiff`, rendered as text (:func:`render_text`), plain data for JSON
(:meth:`PlanDiff.to_data`) or an HTML page for a board (:func:`render_html`, autoescaped).
The same engine serves ``actionplan diff`` and ``actionplan import --into`` (the preview of an
update, and :func:`adopt_ids`, which gives the imported plan the ids the stored one uses).

Items are matched level by level (themes, objectives, actions, indicators): first those with
the same id and the same title, then the same title (an item renumbered by an insertion
keeps its id and its measurements), then the same id (a retitled item). An added or removed
item is listed once, its contents with it; an item whose parent changed is *moved*.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

import attrs
import jinja2

from .i18n import N_, Plural, t, tn
from .model import ActionPlan
from .model.base import fold
from .model.indicators import Indicator, Target
from .model.plan import Action, Objective, Theme

CHANGES = ("added", "removed", "changed", "moved")
WHATS = ("plan", "organisation", "theme", "objective", "action", "indicator", "target")

#: Fields compared for each level (children and measurements are compared as items, or not at all).
_FIELDS: dict[str, tuple[str, ...]] = {
    "plan": ("title", "period", "organisation", "language", "fiscal_years", "mission", "territories", "source"),
    "organisation": ("name", "short_name", "kind", "territory", "website"),
    "theme": ("title", "kind", "heading", "general_objective", "number", "note"),
    "objective": ("title", "subheading", "note"),
    "action": ("title", "description", "partners", "territories", "schedule", "scale", "population", "note"),
    "indicator": ("label", "kind", "unit", "baseline", "due", "target_territories", "scale", "target_level",
                  "cumulative", "direction", "per", "note"),
}
#: Indicator fields reported as changes of a target.
_TARGET_FIELDS = ("target",)

_WHAT_CODES = {
    "plan": N_("diff.what.plan"), "organisation": N_("diff.what.organisation"), "theme": N_("diff.what.theme"),
    "objective": N_("diff.what.objective"), "action": N_("diff.what.action"),
    "indicator": N_("diff.what.indicator"), "target": N_("diff.what.target"),
}
_CHANGE_CODES = {"added": N_("diff.change.added"), "removed": N_("diff.change.removed"),
                 "changed": N_("diff.change.changed"), "moved": N_("diff.change.moved")}


@attrs.frozen
class Change:
    """One difference. ``id``/``title`` name the item; ``parent`` is the id of its container
    (for a move, its new one, ``old`` holding the former); ``field`` is set for a change."""

    change: str = attrs.field(validator=attrs.validators.in_(CHANGES))
    what: str = attrs.field(validator=attrs.validators.in_(WHATS))
    id: str
    title: str = ""
    parent: str | None = None
    field: str | None = None
    old: Any = None
    new: Any = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"change": self.change, "what": self.what, "id": self.id, "title": self.title}
        if self.parent is not None:
            data["parent"] = self.parent
        if self.field is not None:
            data["field"] = self.field
        if self.change in ("changed", "moved"):
            data["old"], data["new"] = plain(self.old), plain(self.new)
        return data


@attrs.frozen
class PlanDiff:
    """The changes from ``old`` to ``new`` (labels name the two sides: files, ``PLAN@3``)."""

    old_label: str
    new_label: str
    changes: tuple[Change, ...] = ()
    #: new id → old id of every matched item whose id differs (see :func:`adopt_ids`)
    renamed: dict[str, str] = attrs.field(factory=dict)
    #: ids of old indicators removed with their action, objective or theme (not listed as changes)
    removed_within: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.changes)

    def counts(self) -> dict[str, int]:
        return {change: sum(1 for c in self.changes if c.change == change) for change in CHANGES}

    def removed_indicators(self) -> list[str]:
        """Ids of the old plan's indicators the new one no longer has (directly or with their container)."""
        return [c.id for c in self.changes if c.change == "removed" and c.what == "indicator"] + \
            list(self.removed_within)

    def to_data(self) -> dict[str, Any]:
        return {"old": self.old_label, "new": self.new_label, "counts": self.counts(),
                "changes": [c.to_data() for c in self.changes]}


def plain(value: Any) -> Any:
    """A value as JSON holds it: Decimal and dates as text, schedules as written, records as dicts."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if type(value).__name__ == "Schedule":
        return value.text
    if attrs.has(type(value)):
        return {k: plain(v) for k, v in attrs.asdict(value, recurse=False).items() if v not in (None, (), {})}
    return str(value)


# -- matching --------------------------------------------------------------------------------------


@attrs.define
class _Node:
    what: str
    item: Any
    parent: str | None  # id of the container, in its own plan

    @property
    def id(self) -> str:
        return str(self.item.id)

    @property
    def title(self) -> str:
        return str(getattr(self.item, "label", None) or getattr(self.item, "title", None)
                   or getattr(self.item, "name", ""))


def _nodes(plan: ActionPlan) -> dict[str, list[_Node]]:
    levels: dict[str, list[_Node]] = {"organisation": [], "theme": [], "objective": [], "action": [], "indicator": []}
    levels["organisation"] = [_Node("organisation", o, None) for o in plan.organisations]
    for theme in plan.themes:
        levels["theme"].append(_Node("theme", theme, None))
        for objective in theme.objectives:
            levels["objective"].append(_Node("objective", objective, theme.id))
            for action in objective.actions:
                levels["action"].append(_Node("action", action, objective.id))
                for indicator in action.indicators:
                    levels["indicator"].append(_Node("indicator", indicator, action.id))
    return levels


def _match(old: list[_Node], new: list[_Node], parents: dict[str, str]) -> list[tuple[_Node, _Node]]:
    """Pairs (old, new): same id and title, then same title (same parent first), then same id.

    ``parents`` maps a new container id to its old one, so an indicator « 4 rencontres » is
    matched to the one of the same action before any other with that label.
    """
    pairs: list[tuple[_Node, _Node]] = []
    free_old = {id(n): n for n in old}
    free_new = {id(n): n for n in new}

    def take(o: _Node, n: _Node) -> None:
        pairs.append((o, n))
        del free_old[id(o)], free_new[id(n)]

    by_id = {n.id: n for n in old}
    for n in new:
        o = by_id.get(n.id)
        if o is not None and fold(o.title) == fold(n.title) and id(o) in free_old:
            take(o, n)
    for n in list(free_new.values()):
        same = [o for o in free_old.values() if fold(o.title) == fold(n.title)]
        near = [o for o in same if n.parent is None or o.parent == parents.get(n.parent, n.parent)]
        if near or len(same) == 1:
            take((near or same)[0], n)
    for n in list(free_new.values()):
        o = by_id.get(n.id)
        if o is not None and id(o) in free_old:
            take(o, n)
    return pairs


def diff_plans(old: ActionPlan, new: ActionPlan, old_label: str = "A", new_label: str = "B") -> PlanDiff:
    """The changes that turn ``old`` into ``new``."""
    changes: list[Change] = []
    changes += _field_changes("plan", old.id, old.title, None, old, new)
    old_levels, new_levels = _nodes(old), _nodes(new)
    parents: dict[str, str] = {}  # new container id → old container id
    renamed: dict[str, str] = {}
    gone_with_container: list[str] = []
    for what in ("organisation", "theme", "objective", "action", "indicator"):
        olds, news = old_levels[what], new_levels[what]
        pairs = _match(olds, news, parents)
        matched_old = {id(o) for o, _ in pairs}
        matched_new = {id(n) for _, n in pairs}
        level_parents: dict[str, str] = {}
        for o, n in pairs:
            level_parents[n.id] = o.id
            if n.id != o.id:
                renamed[n.id] = o.id
            if o.parent is not None and n.parent is not None and parents.get(n.parent, n.parent) != o.parent:
                changes.append(Change("moved", what, o.id, n.title, parents.get(n.parent, n.parent), old=o.parent,
                                      new=parents.get(n.parent, n.parent)))
            changes += _field_changes(what, o.id, n.title, o.parent, o.item, n.item)
        added_parents = {n.id for n in new_levels.get(_container(what), [])} - set(parents)
        for n in news:
            if id(n) not in matched_new and (n.parent is None or n.parent not in added_parents):
                changes.append(Change("added", what, n.id, n.title, parents.get(n.parent, n.parent)
                                      if n.parent else None))
        old_kept = set(parents.values())
        for o in olds:
            if id(o) in matched_old:
                continue
            if o.parent is None or o.parent in old_kept:
                changes.append(Change("removed", what, o.id, o.title, o.parent))
            elif what == "indicator":
                gone_with_container.append(o.id)
        parents = level_parents
    ordered = sorted(changes, key=_order(old, new))
    return PlanDiff(old_label, new_label, tuple(ordered), renamed, tuple(gone_with_container))


def _container(what: str) -> str:
    return {"objective": "theme", "action": "objective", "indicator": "action"}.get(what, "")


def _order(old: ActionPlan, new: ActionPlan) -> Callable[[Change], tuple[int, int]]:
    """Changes in the order of the plans' items (the new plan's, then the old one's), plan fields first."""
    place: dict[str, int] = {}
    for plan in (new, old):
        for theme in plan.themes:
            place.setdefault(theme.id, len(place))
            for objective in theme.objectives:
                place.setdefault(objective.id, len(place))
                for action in objective.actions:
                    place.setdefault(action.id, len(place))
                    for indicator in action.indicators:
                        place.setdefault(indicator.id, len(place))
        for organisation in plan.organisations:
            place.setdefault(organisation.id, len(place))

    def key(change: Change) -> tuple[int, int]:
        return (0 if change.what == "plan" else 1 if change.what == "organisation" else 2,
                place.get(change.id, len(place)))
    return key


def _field_changes(what: str, item_id: str, title: str, parent: str | None, old: Any, new: Any) -> list[Change]:
    found = [Change("changed", what, item_id, title, parent, name, getattr(old, name), getattr(new, name))
             for name in _FIELDS[what] if getattr(old, name) != getattr(new, name)]
    if what == "indicator":
        found += _target_changes(item_id, title, parent, old, new)
    return found


def _target_changes(item_id: str, title: str, parent: str | None, old: Indicator, new: Indicator) -> list[Change]:
    found = [Change("changed", "target", item_id, title, parent, name, getattr(old, name), getattr(new, name))
             for name in _TARGET_FIELDS if getattr(old, name) != getattr(new, name)]

    def keyed(targets: Iterable[Target]) -> dict[tuple[str | None, str | None], Target]:
        return {(target.period, target.territory): target for target in targets}

    olds, news = keyed(old.targets), keyed(new.targets)
    for key in [*olds, *(k for k in news if k not in olds)]:
        label = "targets[" + ", ".join(part for part in key if part) + "]"
        before, after = olds.get(key), news.get(key)
        if before is None or after is None or before.value != after.value:
            found.append(Change("changed", "target", item_id, title, parent, label,
                                before.value if before else None, after.value if after else None))
    return found


# -- ids -------------------------------------------------------------------------------------------

_NUMBERED = re.compile(r"^(?P<base>.*?)(?P<number>\d+)$")


def adopt_ids(new: ActionPlan, diff: PlanDiff) -> ActionPlan:
    """``new`` with the old plan's ids for every matched item (so measurements stay attached).

    An unmatched item whose id the old plan gave to another item gets the next free number
    (``sa-o1-a3`` → ``sa-o1-a4``); references to organisations follow their ids.
    """
    mapping = dict(diff.renamed)
    taken = set(mapping.values())
    every = {node.id for levels in _nodes(new).values() for node in levels}
    for item_id in sorted(every - set(mapping)):
        if item_id in taken:
            mapping[item_id] = _free(item_id, taken | every)
            taken.add(mapping[item_id])
    if not mapping:
        return new
    rename: Callable[[str], str] = lambda value: mapping.get(value, value)  # noqa: E731

    def indicator(i: Indicator) -> Indicator:
        return attrs.evolve(i, id=rename(i.id))

    def action(a: Action) -> Action:
        return attrs.evolve(a, id=rename(a.id), indicators=tuple(map(indicator, a.indicators)),
                            partners=tuple(attrs.evolve(p, organisation=rename(p.organisation)) for p in a.partners))

    def objective(o: Objective) -> Objective:
        return attrs.evolve(o, id=rename(o.id), actions=tuple(map(action, o.actions)))

    def theme(th: Theme) -> Theme:
        return attrs.evolve(th, id=rename(th.id), objectives=tuple(map(objective, th.objectives)))

    tasks = tuple(attrs.evolve(task, responsible_organisations=tuple(map(rename, task.responsible_organisations)))
                  for task in new.tasks)
    return attrs.evolve(
        new, themes=tuple(map(theme, new.themes)), tasks=tasks,
        organisation=rename(new.organisation) if new.organisation else None,
        organisations=tuple(attrs.evolve(o, id=rename(o.id)) for o in new.organisations),
        partners=tuple(attrs.evolve(p, organisation=rename(p.organisation)) for p in new.partners))


def _free(item_id: str, taken: set[str]) -> str:
    match = _NUMBERED.match(item_id)
    base, number = (match["base"], int(match["number"])) if match else (f"{item_id}-", 1)
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


# -- rendering -------------------------------------------------------------------------------------


def _shown(value: Any) -> str:
    shown = plain(value)
    if shown is None or shown == []:
        return "—"
    if isinstance(shown, list):
        return ", ".join(str(v) if not isinstance(v, dict) else "/".join(str(x) for x in v.values()) for v in shown)
    if isinstance(shown, dict):
        return " ".join(f"{k}: {v}" for k, v in shown.items())
    text = str(shown)
    return text if len(text) <= 120 else text[:117] + "…"


def describe(change: Change, lang: str = "fr") -> str:
    """One line saying ``change`` in ``lang``."""
    what = t(_WHAT_CODES[change.what], lang)
    where = t("diff.line.in", lang, parent=change.parent) if change.parent and change.change in ("added",
                                                                                                  "removed") else ""
    if change.change == "changed":
        return t("diff.line.changed", lang, what=what, id=change.id, title=change.title, field=change.field,
                 old=_shown(change.old), new=_shown(change.new))
    if change.change == "moved":
        return t("diff.line.moved", lang, what=what, id=change.id, title=change.title, old=change.old, new=change.new)
    code = N_("diff.line.added") if change.change == "added" else N_("diff.line.removed")
    return t(code, lang, what=what, id=change.id, title=change.title, where=where)


def render_text(diff: PlanDiff, lang: str = "fr") -> str:
    """The changes, one per line, under a line that counts them."""
    if not diff:
        return t("diff.none", lang, old=diff.old_label, new=diff.new_label) + "\n"
    counts = diff.counts()
    lines = [tn("diff.heading", len(diff.changes), lang, old=diff.old_label, new=diff.new_label,
                added=Plural("diff.count.added", counts["added"]), changed=Plural("diff.count.changed", counts["changed"]),
                moved=Plural("diff.count.moved", counts["moved"]), removed=Plural("diff.count.removed", counts["removed"]))]
    lines += [f"  {describe(change, lang)}" for change in diff.changes]
    return "\n".join(lines) + "\n"


_PAGE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;
vertical-align:top}.added{color:#17612a}.removed{color:#9b1c1c}.moved{color:#6b4e00}.changed{color:#1d4e89}
del{color:#9b1c1c}ins{color:#17612a;text-decoration:none}code{font-size:.9em}
</style></head>
<body>
<h1>{{ title }}</h1>
<p>{{ summary }}</p>
{% if rows %}<table>
<thead><tr><th>{{ head_change }}</th><th>{{ head_item }}</th><th>{{ head_detail }}</th></tr></thead>
<tbody>{% for row in rows %}
<tr class="{{ row.change }}"><td>{{ row.change_label }}</td><td>{{ row.what }} <code>{{ row.id }}</code><br>{{ row.title }}</td>
<td>{% if row.change == "changed" %}<code>{{ row.field }}</code> : <del>{{ row.old }}</del> → <ins>{{ row.new }}</ins>
{% elif row.change == "moved" %}<code>{{ row.old }}</code> → <code>{{ row.new }}</code>
{% elif row.parent %}<code>{{ row.parent }}</code>{% endif %}</td></tr>{% endfor %}
</tbody></table>{% endif %}
</body></html>
"""


def render_html(diff: PlanDiff, lang: str = "fr") -> str:
    """A self-contained HTML page of the changes, every value escaped."""
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    rows = [{"change": c.change, "change_label": t(_CHANGE_CODES[c.change], lang), "what": t(_WHAT_CODES[c.what], lang),
             "id": c.id, "title": c.title, "parent": c.parent or "", "field": c.field or "",
             "old": _shown(c.old), "new": _shown(c.new)} for c in diff.changes]
    summary = render_text(diff, lang).splitlines()[0]
    return env.from_string(_PAGE).render(
        lang=lang, title=t("diff.html.title", lang, old=diff.old_label, new=diff.new_label), summary=summary,
        rows=rows, head_change=t("diff.html.change", lang), head_item=t("diff.html.item", lang),
        head_detail=t("diff.html.detail", lang))


def iter_changes(diff: PlanDiff, what: str) -> Iterator[Change]:
    """The changes about one kind of item (``indicator``, ``target``…)."""
    return (c for c in diff.changes if c.what == what)


__all__ = ["CHANGES", "WHATS", "Change", "PlanDiff", "adopt_ids", "describe", "diff_plans", "iter_changes", "plain",
           "render_html", "render_text"]
