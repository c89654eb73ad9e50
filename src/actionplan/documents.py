"""Reading and writing documents: the built-in YAML and JSON formats, and atomic files.

A document is a YAML or JSON mapping with a ``schema_version`` and, optionally, a
``type`` (``plan`` by default). :func:`load` reads a file, structures it with the one
converter, runs the plan checks, and raises one :class:`ValidationError` with *every*
problem found. :func:`dump` writes atomically: a temporary file in the same folder,
flushed and fsynced, then renamed over the target, so a crash never leaves half a file.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import orjson

import actionplan

from .errors import ActionplanError, Issue, UnknownFormatError, ValidationError


@attrs.frozen
class DocumentFormat:
    """How one file format turns bytes into plain data and back."""

    name: str
    extensions: tuple[str, ...]
    loads: Callable[[bytes], Any]
    dumps: Callable[[Any], bytes]
    description: str = ""


# -- YAML (ruamel.yaml: YAML 1.2, safe loading, no duplicate keys) ------------------------


def _yaml_loads(data: bytes) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="safe", pure=True)
    yaml.allow_duplicate_keys = False
    try:
        return yaml.load(data)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        problem = exc.problem or exc.context or "syntax error"
        raise ValidationError([Issue("", f"YAML error at {where}: {problem}")]) from None
    except YAMLError as exc:
        raise ValidationError([Issue("", f"YAML error: {exc}")]) from None
    except UnicodeDecodeError as exc:
        raise ValidationError([Issue("", f"not UTF-8 text: {exc.reason} at byte {exc.start}")]) from None


def _yaml_dumps(data: Any) -> bytes:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.sort_base_mapping_type_on_output = False
    yaml.width = 100
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue().encode("utf-8")


def _json_loads(data: bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ValidationError([Issue("", f"JSON error at line {exc.lineno}, column {exc.colno}: {exc.msg}")]) from None


def _json_dumps(data: Any) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


YAML_FORMAT = DocumentFormat("yaml", (".yaml", ".yml"), _yaml_loads, _yaml_dumps, "YAML 1.2, loaded safely")
JSON_FORMAT = DocumentFormat("json", (".json",), _json_loads, _json_dumps, "JSON (UTF-8)")


@actionplan.hookimpl
def actionplan_register_document_formats(register):
    register(YAML_FORMAT)
    register(JSON_FORMAT)


# -- format lookup -------------------------------------------------------------------------


def document_formats():
    from .plugins import registry

    return registry("actionplan_register_document_formats", "document format", lambda f: f.name)


def format_for(path: str | os.PathLike | None = None, name: str | None = None) -> DocumentFormat:
    """The format named ``name``, or the one claiming ``path``'s extension."""
    formats = document_formats()
    if name:
        return formats[name]
    suffix = Path(path).suffix.lower() if path is not None else ""
    for fmt in formats:
        if suffix in fmt.extensions:
            return fmt
    known = ", ".join(ext for fmt in formats for ext in fmt.extensions)
    raise UnknownFormatError(f"cannot tell the format of {str(path)!r} from its extension; known: {known}",
                             fr=f"impossible de reconnaître le format de {str(path)!r} à son extension; "
                                f"connues : {known}")


# -- document types ------------------------------------------------------------------------

#: ``type:`` value → model class. Other capabilities (grants) add their own.
DOCUMENT_TYPES: dict[str, type] = {}


def document_type(name: str):
    """Class decorator: make a model class loadable as ``type: name`` documents."""

    def decorate(cls):
        DOCUMENT_TYPES[name] = cls
        cls.__document_type__ = name
        return cls

    return decorate


def _register_builtin_types() -> None:
    from .model.plan import ActionPlan
    from .model.tracking import TrackingLog

    if "plan" not in DOCUMENT_TYPES:
        document_type("plan")(ActionPlan)
        document_type("tracking")(TrackingLog)


# -- load / dump ---------------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024


def read_data(source: str | os.PathLike, format: str | None = None) -> Any:
    """Read a document file into plain data (no model yet)."""
    path = Path(source)
    fmt = format_for(path, format)
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise ValidationError([Issue("", f"file is {size} bytes; the limit is {MAX_DOCUMENT_BYTES}")], str(path))
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ActionplanError(f"{path}: no such file", fr=f"{path} : fichier introuvable") from None
    except IsADirectoryError:
        raise ActionplanError(f"{path}: is a folder, not a document",
                              fr=f"{path} : c'est un dossier, pas un document") from None
    except PermissionError:
        raise ActionplanError(f"{path}: permission denied", fr=f"{path} : permission refusée") from None
    try:
        return fmt.loads(raw)
    except ValidationError as exc:
        raise ValidationError(exc.issues, str(path)) from None


def from_data(data: Any, cls: type | None = None, *, source: str | None = None, check: bool = True):
    """Plain data → model object, checked; raises one :class:`ValidationError` with every issue."""
    from .convert import structure
    from .checks import check_document

    _register_builtin_types()
    if not isinstance(data, dict):
        raise ValidationError([Issue("", "a document must be a mapping of fields", found=type(data).__name__)], source)
    data = dict(data)
    declared = data.pop("type", None)
    if cls is None:
        name = declared or "plan"
        cls = DOCUMENT_TYPES.get(name) if isinstance(name, str) else None
        if cls is None:
            known = ", ".join(sorted(DOCUMENT_TYPES))
            raise ValidationError([Issue("type", "unknown document type", expected=known, found=repr(declared))], source)
    version_issue = _check_schema_version(data, cls)
    if version_issue:
        raise ValidationError([version_issue], source)
    try:
        obj, warnings = structure(data, cls)
    except ValidationError as exc:
        raise ValidationError(exc.issues, source) from None
    if check:
        issues = [i for i in check_document(obj) if i.severity == "error"]
        if issues:
            raise ValidationError(issues, source)
    return obj


def _check_schema_version(data: dict, cls: type) -> Issue | None:
    from .model.plan import SCHEMA_VERSION

    if not any(a.name == "schema_version" for a in attrs.fields(cls)):
        return None
    version = data.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return Issue("schema_version", "invalid schema version", expected="a positive whole number", found=repr(version))
    if version > SCHEMA_VERSION:
        return Issue(
            "schema_version",
            "written by a newer version of actionplan; upgrade actionplan to read it",
            expected=f"at most {SCHEMA_VERSION}",
            found=str(version),
        )
    return None


def load(source: str | os.PathLike, cls: type | None = None, *, format: str | None = None):
    """Load and check a document file (YAML or JSON, by extension)."""
    return from_data(read_data(source, format), cls, source=str(source))


def loads(text: str | bytes, cls: type | None = None, *, format: str = "yaml"):
    """Load and check a document from a string."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return from_data(format_for(name=format).loads(raw), cls)


def to_data(obj: Any) -> dict:
    """Model object → plain data, with its ``type`` when it is not a plan."""
    from .convert import unstructure

    _register_builtin_types()
    data = unstructure(obj)
    name = getattr(type(obj), "__document_type__", None)
    if name and name != "plan":
        data = {"type": name, **data}
    return data


def dumps(obj: Any, format: str = "yaml") -> bytes:
    return format_for(name=format).dumps(to_data(obj))


def dump(obj: Any, target: str | os.PathLike, *, format: str | None = None, keep_comments: bool = True) -> Path:
    """Write ``obj`` to ``target`` atomically, in the format its extension names.

    Rewriting an existing YAML file keeps its comments and layout wherever the data is
    unchanged (``keep_comments``): people annotate their plan files, and a tool that
    updates one value must not erase their notes.
    """
    path = Path(target)
    fmt = format_for(path, format)
    data = to_data(obj)
    payload = None
    if keep_comments and fmt.name == "yaml" and path.is_file():
        payload = rewrite_yaml(path.read_bytes(), data, _with_defaults(obj))
    write_atomic(path, payload if payload is not None else fmt.dumps(data))
    return path


def _with_defaults(obj: Any) -> dict:
    from .convert import unstructure_with_defaults

    data = unstructure_with_defaults(obj)
    name = getattr(type(obj), "__document_type__", None)
    return {"type": name, **data} if name and name != "plan" else data


def rewrite_yaml(old: bytes, data: Any, full: Any = None) -> bytes | None:
    """``data`` as YAML, laid over the document ``old`` so its comments and styles survive.

    ``full`` is ``data`` with default values written out: a default the old file spelt out
    is kept, one it left out stays out. Returns ``None`` when ``old`` is not a readable
    YAML mapping (then it is simply replaced).
    """
    import re

    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the author's long lines
    yaml.allow_unicode = True
    try:
        text = old.decode("utf-8")
        document = yaml.load(text)
    except (YAMLError, UnicodeDecodeError):
        return None
    if not isinstance(document, CommentedMap) or not isinstance(data, dict):
        return None
    # keep the author's list indentation: "key:\n  - item" (offset 2) or "key:\n- item" (offset 0)
    nested = re.search(r"^( *)[^\s#-][^\n]*:[ \t]*\n(?:[ \t]*(?:#[^\n]*)?\n)*( *)- ", text, flags=re.M)
    if nested and len(nested.group(2)) - len(nested.group(1)) == 2:
        yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(_overlay(document, data, full if full is not None else data), stream)
    return stream.getvalue().encode("utf-8")


def _overlay(old: Any, new: Any, full: Any) -> Any:
    """``new``, reusing the nodes of ``old`` (and their comments) where they still fit."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(old, CommentedMap) and isinstance(new, dict):
        full = full if isinstance(full, dict) else new
        for key in [k for k in old if k not in new and k not in full]:
            del old[key]
        for key in [k for k in old if k not in new and k in full]:
            old[key] = _overlay(old[key], full[key], full[key])  # a default the author wrote out
        for key, value in new.items():
            old[key] = _overlay(old[key], value, full.get(key, value)) if key in old else value
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        by_id = {item.get("id"): item for item in old if isinstance(item, CommentedMap) and "id" in item}
        full = full if isinstance(full, list) and len(full) == len(new) else new
        items = []
        for index, (value, value_full) in enumerate(zip(new, full)):
            if isinstance(value, dict) and value.get("id") in by_id:
                previous = by_id[value["id"]]  # matched by id: moved or kept items keep their notes
            elif not by_id and index < len(old):
                previous = old[index]  # lists without ids: by position
            else:
                previous = None
            items.append(_overlay(previous, value, value_full) if previous is not None else value)
        for index, item in enumerate(items):  # element by element: slice assignment drops comments
            if index >= len(old):
                old.append(item)
            elif old[index] is not item:
                old[index] = item
        del old[len(items):]
        return old
    if type(old) is type(new) and old == new or (_same_scalar(old, new)):
        return old  # unchanged: keep the author's quoting and style
    return new


def _same_scalar(old: Any, new: Any) -> bool:
    """A quoted or styled scalar from ruamel equals the plain value written for it."""
    import datetime as dt

    if isinstance(old, str) and isinstance(new, str):
        return str(old) == new
    if isinstance(old, bool) or isinstance(new, bool):
        return False
    if isinstance(old, int) and isinstance(new, int):
        return int(old) == new
    if isinstance(old, dt.date) and isinstance(new, dt.date):
        return old == new
    if isinstance(old, dt.date) and isinstance(new, str):
        return old.isoformat() == new  # a date some models write as ISO text
    return False


def _file_mode(path: Path) -> int:
    """Keep an existing file's permissions; give a new one the usual ``0o666 & ~umask``."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: str | os.PathLike, payload: bytes) -> None:
    """Write bytes so that ``path`` holds either its old content or all of the new one."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, _file_mode(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on folders
        pass

