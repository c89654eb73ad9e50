"""Territories from a CSV table: the built-in gazetteer's data and ``actionplan territories import``.

A table has a header row and one territory per row. Its columns are ``id``, ``name``,
``level``, ``parent`` and ``code`` (only ``name`` is required); a column mapping names the
columns of another table (a government export) so it is read without editing it:
``{"name": "NOM", "parent": "MRC"}``. Reading is all or nothing: every bad row is reported
with its line number, what was expected and what was found.

* ``id`` — missing ids are made from the level and the name: ``mun:saint-hyacinthe``;
* ``level`` — ``region``, ``mrc``, ``municipality``… or their French names (« municipalité »,
  « MRC », « région », « quartier »); a default level applies to rows without one;
* ``parent`` — an id, or a name of the gazetteer or of the table itself (« Memphrémagog »);
* ``code`` — an official code, kept as text (« 45072 »).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence

import attrs

from ..errors import ActionplanError, Issue, ValidationError
from ..i18n import Message, Verbatim, t
from ..model.base import fold, is_valid_id, slugify
from ..model.territory import LEVELS, Gazetteer, Territory

FIELDS = ("id", "name", "level", "parent", "code")

#: Level names people write, folded, → the gazetteer's levels.
LEVEL_NAMES = {
    **{level: level for level in LEVELS},
    "pays": "country", "province": "province", "region": "region", "region administrative": "region",
    "mrc": "mrc", "te": "mrc", "territoire equivalent": "mrc", "municipalite regionale de comte": "mrc",
    "municipalite": "municipality", "ville": "municipality", "mun": "municipality", "quartier": "neighbourhood",
    "arrondissement": "neighbourhood", "autre": "other",
}

#: Headers accepted for each field without a mapping (folded).
HEADER_NAMES = {
    "id": ("id", "identifiant"),
    "name": ("name", "nom"),
    "level": ("level", "niveau"),
    "parent": ("parent",),
    "code": ("code",),
}

#: Id prefixes by level, as the built-in gazetteer writes them.
ID_PREFIXES = {"region": "region", "mrc": "mrc", "municipality": "mun", "neighbourhood": "quartier",
               "country": "pays", "province": "province", "other": "lieu"}

MAX_ROWS = 100_000


@attrs.frozen
class TableOptions:
    """How to read a table: ``columns`` maps a field to a header of the file; defaults fill empty cells."""

    columns: Mapping[str, str] = attrs.field(factory=dict)
    level: str | None = None
    parent: str | None = None


def parse_columns(text: str | None) -> dict[str, str]:
    """``"name=NOM,parent=MRC"`` → ``{"name": "NOM", "parent": "MRC"}``; a clear error otherwise."""
    if not text:
        return {}
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        field, sep, header = part.partition("=")
        field, header = field.strip().lower(), header.strip()
        if not sep or not header or field not in FIELDS:
            raise ActionplanError(Message("territories.table.bad_columns", fields=", ".join(FIELDS), found=repr(part)))
        mapping[field] = header
    return mapping


def decode(data: bytes, source: str, encoding: str = "utf-8") -> str:
    """Text of a CSV file: UTF-8 with or without a byte-order mark (or ``encoding``)."""
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        return data.decode(codec)
    except LookupError:
        raise ActionplanError(Message("territories.table.unknown_encoding", source=source,
                                      encoding=repr(encoding))) from None
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        byte = format(data[exc.start], "#04x")
        raise ActionplanError(Message("territories.table.not_text", source=source, line=line, encoding=encoding,
                                      byte=byte)) from None


def sniff_delimiter(text: str) -> str:
    """``;``, ``,`` or a tab: the one the header line uses most."""
    header = next((line for line in text.splitlines() if line.strip() and not line.startswith("#")), "")
    counts = {delimiter: header.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of the non-empty, non-comment rows."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for cells in reader:
        if not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith("#"):
            continue
        yield reader.line_num, [cell.strip() for cell in cells]


_ROW_PATH = re.compile(r"line (\d+)(?:, (\w+))?")


def _issue(line: int, field: str, message: Message, expected: Message | None = None,
           found: str | Message | None = None, hint: Message | None = None) -> Issue:
    """An issue of row ``line`` (path ``line 4, parent``: :func:`issue_in` words it in the reader's language).

    ``found`` as a string is the table's own text, shown as written."""
    return Issue(f"line {line}, {field}" if field else f"line {line}", message, expected=expected,
                 found=Verbatim(found) if isinstance(found, str) else found, hint=hint)


def issue_in(issue: Issue, lang: str) -> str:
    """A table's issue as one line in ``lang``: « ligne 4, parent : territoire parent inconnu; attendu : … »."""
    match = _ROW_PATH.fullmatch(issue.path)
    if match is None:
        return issue.render(lang)
    line, field = int(match.group(1)), match.group(2)
    path = (t("territories.table.row_field", lang, line=line, field=field) if field
            else t("territories.table.row", lang, line=line))
    return attrs.evolve(issue, path=path).render(lang)


def _header_index(header: Sequence[str], options: TableOptions, line: int) -> tuple[dict[str, int], list[Issue]]:
    folded = [fold(cell) for cell in header]
    index: dict[str, int] = {}
    issues: list[Issue] = []
    for field in FIELDS:
        wanted = options.columns.get(field)
        names = (fold(wanted),) if wanted else HEADER_NAMES[field]
        position = next((i for i, cell in enumerate(folded) if cell in names), None)
        if position is not None:
            index[field] = position
        elif wanted:
            issues.append(_issue(line, "", Message("territories.table.no_mapped_column", column=repr(wanted), field=field),
                                 expected=Message("territories.table.mapped_column_expected", column=repr(wanted)),
                                 found=_header_found(header)))
    if "name" not in index and not issues:
        issues.append(_issue(line, "", Message("territories.table.no_name_column"),
                             expected=Message("territories.table.name_column_expected"), found=_header_found(header)))
    return index, issues


def _header_found(header: Sequence[str]) -> Message:
    """The header row as found: its cells as written, or « aucun en-tête »."""
    return Verbatim(", ".join(header)) if header else Message("territories.table.no_header")


def _level(value: str | None) -> str | None:
    if not value:
        return None
    return LEVEL_NAMES.get(fold(value).replace("-", " ").strip())


def read_table(data: bytes, source: str, gazetteer: Gazetteer | None = None, options: TableOptions | None = None,
               encoding: str = "utf-8", installed: Gazetteer | None = None) -> list[Territory]:
    """Every territory of a CSV table, or a :class:`ValidationError` listing every bad row.

    ``gazetteer`` resolves parents given by name or id; the table's own rows resolve too. A row
    may not redefine a territory of ``installed`` (default: ``gazetteer``) differently; the same
    definition is accepted, so a table can be imported again. Without a gazetteer (a plugin
    reading its own table while the gazetteer is being gathered), a parent id is taken as given.
    """
    options = options or TableOptions()
    text = decode(data, source, encoding)
    rows = list(_rows(text, sniff_delimiter(text)))
    if not rows:
        raise ValidationError([Issue("line 1", Message("territories.table.empty"),
                                     expected=Message("territories.table.empty_expected"),
                                     found=Message("territories.table.nothing"))], source)
    if len(rows) > MAX_ROWS + 1:
        raise ValidationError([Issue(f"line {rows[MAX_ROWS + 1][0]}", Message("territories.table.too_many_rows"),
                                     expected=Message("territories.table.at_most", limit=MAX_ROWS),
                                     found=Verbatim(str(len(rows) - 1)))], source)
    (header_line, header), body = rows[0], rows[1:]
    index, issues = _header_index(header, options, header_line)
    if issues:
        raise ValidationError(issues, source)
    default_level = _level(options.level) if options.level else None
    if options.level and default_level is None:
        raise ActionplanError(Message("territories.table.bad_level_option", levels=", ".join(LEVELS),
                                      found=repr(options.level)))
    drafts: list[tuple[int, dict[str, str | None]]] = []
    for line, cells in body:
        values = {field: (cells[i] if i < len(cells) else "") or None for field, i in index.items()}
        level_text = values.get("level")
        level = _level(level_text) or (None if level_text else default_level) or (None if level_text else "other")
        if level is None:
            issues.append(_issue(line, "level", Message("territories.table.unknown_level"),
                                 expected=Message("territories.table.levels_expected", levels=", ".join(LEVELS)),
                                 found=repr(level_text)))
            continue
        name = values.get("name")
        if not name:
            issues.append(_issue(line, "name", Message("territories.table.no_name"),
                                 expected=Message("territories.table.name_expected"), found="''"))
            continue
        territory_id = values.get("id") or f"{ID_PREFIXES[level]}:{slugify(name, 80)}"
        if not is_valid_id(territory_id):
            issues.append(_issue(line, "id", Message("territories.table.invalid_id"),
                                 expected=Message("territories.table.id_expected"), found=repr(territory_id)))
            continue
        drafts.append((line, {"id": territory_id, "name": name, "level": level,
                              "parent": values.get("parent") or options.parent, "code": values.get("code")}))
    seen: dict[str, int] = {}
    duplicates: set[int] = set()
    for line, draft in drafts:
        first = seen.setdefault(str(draft["id"]), line)
        if first != line:
            duplicates.add(line)
            issues.append(_issue(line, "id", Message("territories.table.duplicate_id", line=first),
                                 expected=Message("territories.table.duplicate_id_expected"), found=repr(draft["id"])))
    trust_ids = gazetteer is None
    known = gazetteer if gazetteer is not None else Gazetteer()
    reserved = installed if installed is not None else known
    own_names: dict[str, list[str]] = {}
    for _line, draft in drafts:
        own_names.setdefault(fold(str(draft["name"])), []).append(str(draft["id"]))
    result: list[Territory] = []
    for line, draft in drafts:
        if line in duplicates:
            continue
        parent = draft["parent"]
        if parent is not None:
            resolved = _resolve_parent(parent, known, seen, own_names)
            if resolved is None and trust_ids and is_valid_id(parent) and ":" in parent:
                resolved = parent
            if resolved is None:
                issues.append(_issue(line, "parent", Message("territories.table.unknown_parent"),
                                     expected=Message("territories.table.parent_expected"), found=repr(parent),
                                     hint=Message("territories.table.parent_hint")))
                continue
            if isinstance(resolved, list):
                issues.append(_issue(line, "parent", Message("territories.table.ambiguous_parent"),
                                     expected=Message("territories.table.one_of", ids=", ".join(resolved)),
                                     found=repr(parent)))
                continue
            if resolved == draft["id"]:
                issues.append(_issue(line, "parent", Message("territories.table.own_parent"), found=repr(parent)))
                continue
            draft["parent"] = resolved
        # draft is a dict[str, object] filled from the CSV row, whose keys and value types were checked above
        territory = Territory(**draft)  # type: ignore[arg-type]
        existing = reserved.get(territory.id)
        if existing is not None and existing != territory:
            issues.append(_issue(line, "id", Message("territories.table.id_taken"),
                                 expected=Message("territories.table.id_taken_expected", name=repr(existing.name),
                                                  level=existing.level, parent=existing.parent),
                                 found=repr(territory.id)))
            continue
        result.append(territory)
    if issues:
        raise ValidationError(sorted(issues, key=_line_of), source)
    return result


def _line_of(issue: Issue) -> int:
    match = re.match(r"line (\d+)", issue.path)
    return int(match.group(1)) if match else 0


def _resolve_parent(value: str, gazetteer: Gazetteer, own_ids: Mapping[str, int],
                    own_names: Mapping[str, list[str]]) -> str | list[str] | None:
    """An id; a list of candidate ids when a name fits several territories; ``None`` when unknown."""
    if value in own_ids or value in gazetteer:
        return value
    name = re.sub(r"^(?:mrc|municipalité régionale de comté)\s+(?:de\s+la\s+|de\s+l['’]|de\s+|du\s+|des\s+|d['’])?",
                  "", value, flags=re.IGNORECASE).strip()
    candidates: list[str] = []
    for wanted in dict.fromkeys((value, name)):
        candidates = list(own_names.get(fold(wanted), ())) + [t.id for t in gazetteer.find(wanted)]
        if not candidates:  # « MRC des Maskoutains » names « Les Maskoutains »
            candidates = [t.id for t in gazetteer.values() if _without_article(t.name) == fold(wanted)]
        if candidates:
            break
    candidates = list(dict.fromkeys(candidates))
    if len(candidates) > 1:  # an MRC and a city of one name (Laval): the MRC contains
        containers = [c for c in candidates if c.startswith(("mrc:", "region:"))]
        mrcs = [c for c in containers if c.startswith("mrc:")]
        candidates = mrcs if len(mrcs) == 1 else containers or candidates
    if not candidates:
        return None
    return candidates[0] if len(candidates) == 1 else candidates


def _without_article(name: str) -> str:
    return fold(re.sub(r"^(?:les|le|la|l['’])\s*", "", name, flags=re.IGNORECASE))


def read_builtin(data: bytes, source: str) -> list[Territory]:
    """The built-in table: ids, levels and parents given in full (no lookups)."""
    text = decode(data, source)
    rows = _rows(text, ",")
    _header = next(rows)
    return [Territory(id=i, name=n, level=lv, parent=p or None, code=c or None) for _line, (i, n, lv, p, c) in rows]


__all__ = ["FIELDS", "TableOptions", "parse_columns", "read_builtin", "read_table", "sniff_delimiter"]
