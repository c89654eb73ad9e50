"""Reading and writing documents: the built-in YAML and JSON formats, and atomic files.

A document is a YAML or JSON mapping with a ``schema_version`` and, optionally, a
``type`` (``plan`` by default). :func:`load` reads a file, structures it with the one
converter, runs the plan checks, and raises one :class:`ValidationError` with *every*
problem found. :func:`dump` writes atomically: a temporary file in the same folder,
flushed and fsynced, then renamed over the target, so a crash never leaves half a file.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import io
import json
import math
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs
import orjson
import pluggy

from .collector import collector_paused
from .convert import describe, join_path, structure, unstructure, unstructure_with_defaults
from .errors import ActionplanError, Issue, UnknownFormatError, ValidationError
from .hookspecs import hookimpl
from .model.plan import SCHEMA_VERSION
from .model.territory import Gazetteer
from .plugins import Registry, collect, registry
from .i18n import N_, Message, Verbatim


@attrs.frozen
class DocumentFormat:
    """How one file format turns bytes into plain data and back."""

    name: str
    extensions: tuple[str, ...]
    loads: Callable[[bytes], Any]
    dumps: Callable[[Any], bytes]
    description: str = ""


# -- YAML (ruamel.yaml: YAML 1.2, safe loading, no duplicate keys) ------------------------
# ruamel.yaml is imported by the functions that use it, on purpose: it is the slowest import of
# the core, and JSON documents, stores and most commands never need it.

#: Nesting levels a document may have. A plan uses about a dozen; thousands would exhaust the stack.
MAX_DEPTH = 100
#: Nodes that aliases (``*name``) may add to a YAML document once expanded. The safe loader shares
#: an aliased node rather than copying it, but everything that walks the data (the converter, error
#: messages) visits each reference: a « billion laughs » document of 1 kB expands to 10⁹ nodes.
MAX_ALIAS_NODES = 100_000


def _yaml_loader():
    """A safe YAML 1.2 loader that refuses duplicate keys, deep nesting and alias bombs."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.allow_duplicate_keys = False
    yaml.max_depth = MAX_DEPTH
    yaml.Composer = _guarded_composer()
    yaml.Constructor = _faithful_constructor()
    return yaml


@functools.cache
def _guarded_composer():
    from ruamel.yaml.composer import Composer, ComposerError

    class GuardedComposer(Composer):
        """Counts aliases; a document that has some is measured as if they were expanded."""

        def compose_document(self):
            self.aliases_seen = 0
            node = super().compose_document()
            if self.aliases_seen:
                _check_alias_expansion(node, ComposerError)
            return node

        def return_alias(self, node):
            self.aliases_seen = getattr(self, "aliases_seen", 0) + 1
            return node

    return GuardedComposer


def _check_alias_expansion(root, error) -> None:
    """Refuse a node graph whose expansion adds more than :data:`MAX_ALIAS_NODES`, or that contains itself."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # the nodes on the current path: meeting one again is a cycle
    distinct = 0
    stack = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = _node_children(node)
        if finished:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            distinct += 1
            if sizes[key] - distinct > MAX_ALIAS_NODES:
                raise error(None, None, Message("loading.alias_bomb", limit=MAX_ALIAS_NODES), node.start_mark)
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise error(None, None, Message("loading.alias_cycle"), node.start_mark)
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)


def _node_children(node) -> list:
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


@functools.cache
def _faithful_constructor():
    from ruamel.yaml.constructor import ConstructorError, SafeConstructor

    class FaithfulConstructor(SafeConstructor):
        """Scalars YAML cannot turn into a faithful value stay the text their author wrote.

        ``2026-02-30`` is no date, ``1e400`` no finite float, a 5 000-digit integer is beyond
        Python's conversion limit, and ``0.12345678901234567891`` would lose digits as a float:
        each is kept as text, so the converter reports it at its document path (a number field
        reads the text as an exact decimal) instead of the loader failing or rounding it.
        """

        def construct_mapping(self, node, deep=False):
            try:
                return super().construct_mapping(node, deep)
            except TypeError:  # a key such as [{a: 1}]: a tuple, hashable in name only
                raise ConstructorError(None, None, Message("loading.unhashable_key"),
                                       _unhashable_key(self, node)) from None

        def check_mapping_key(self, node, key_node, mapping, key, value):
            if key in mapping:
                raise ConstructorError(None, None, Message("loading.duplicate_key", key=str(key), value=str(value),
                                                           first=str(mapping.get(key))), key_node.start_mark)
            return True

        def construct_undefined(self, node):
            raise ConstructorError(None, None, Message("loading.tag_refused", tag=node.tag), node.start_mark)

        def construct_yaml_timestamp(self, node, values=None):
            try:
                return super().construct_yaml_timestamp(node, values)
            except ValueError:
                return self.construct_scalar(node)

        def construct_yaml_int(self, node):
            try:
                return super().construct_yaml_int(node)
            except ValueError:
                return self.construct_scalar(node)

        def construct_yaml_float(self, node):
            value = super().construct_yaml_float(node)
            text = self.construct_scalar(node)
            plain = text.replace("_", "")
            if plain.lower().lstrip("+-") in (".inf", ".nan"):
                return value  # written as infinity or NaN: the converter says a number must be finite
            try:
                exact = Decimal(plain)
            except InvalidOperation:  # pragma: no cover - YAML 1.1 sexagesimal floats
                return value
            # 1e400 overflows to infinity, 1e-400 underflows to 0, 0.12345678901234567891 is rounded
            return value if exact == Decimal(repr(value)) else text

    def _unhashable_key(constructor, node):
        """Where the key that cannot be a dictionary key starts (else the mapping)."""
        for key_node, _ in node.value:
            try:
                hash(constructor.construct_object(key_node, deep=True))
            except TypeError:
                return key_node.start_mark
        return node.start_mark  # pragma: no cover

    for tag, method in (("timestamp", "construct_yaml_timestamp"), ("int", "construct_yaml_int"),
                        ("float", "construct_yaml_float")):
        FaithfulConstructor.add_constructor(f"tag:yaml.org,2002:{tag}", getattr(FaithfulConstructor, method))
    FaithfulConstructor.add_constructor(None, FaithfulConstructor.construct_undefined)
    return FaithfulConstructor


def _yaml_loads(data: bytes) -> Any:
    from ruamel.yaml.composer import MaxDepthExceededError
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    text = _utf8_text(data)
    try:
        return _yaml_loader().load(text)
    except MaxDepthExceededError as exc:
        mark = exc.problem_mark
        raise ValidationError([Issue("", Message("loading.yaml_error_at", line=mark.line + 1, column=mark.column + 1,
                                                 problem=Message("loading.nested", depth=MAX_DEPTH)))]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = _yaml_problem(exc.problem or exc.context)
        if mark is None:
            raise ValidationError([Issue("", Message("loading.yaml_error", problem=problem))]) from None
        raise ValidationError([Issue("", Message("loading.yaml_error_at", line=mark.line + 1, column=mark.column + 1,
                                                 problem=problem))]) from None
    except ReaderError as exc:  # a character YAML does not allow (a control character)
        line, column = _line_column(text, exc.position)
        problem = Message("loading.character_not_allowed", code=f"{exc.character:04X}")
        raise ValidationError([Issue("", Message("loading.yaml_error_at", line=line, column=column,
                                                 problem=problem))]) from None
    except YAMLError as exc:
        raise ValidationError([Issue("", Message("loading.yaml_error", problem=str(exc)))]) from None
    except RecursionError:  # pragma: no cover - max_depth stops nesting well before the stack ends
        raise ValidationError([Issue("", Message("loading.yaml_error",
                                                 problem=Message("loading.nested", depth=MAX_DEPTH)))]) from None


#: What ruamel.yaml says (its own English) → our code, for the problems a person meets.
_RUAMEL_PROBLEMS = {"but found another document": N_("loading.another_document")}


def _yaml_problem(problem) -> Message:
    """The loader's problem as a message: ours already are; ruamel's known ones get their code."""
    if isinstance(problem, Message):
        return problem
    if problem in _RUAMEL_PROBLEMS:
        return Message(_RUAMEL_PROBLEMS[problem])
    if isinstance(problem, str) and problem.startswith("found undefined alias "):
        return Message("loading.undefined_alias", alias=problem.removeprefix("found undefined alias "))
    return Verbatim(problem or "syntax error")


def _utf8_text(data: bytes) -> str:
    """``data`` decoded as UTF-8 (a leading byte-order mark is dropped), or an issue saying where it is not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _line_column(data, exc.start)
        raise ValidationError([Issue("", Message("loading.not_utf8", reason=exc.reason, byte=exc.start, line=line,
                                                 column=column))]) from None


def _line_column(text: str | bytes, position: int) -> tuple[int, int]:
    """1-based line and column of ``position`` in ``text``."""
    before = text[:position]
    if isinstance(before, str):
        return before.count("\n") + 1, position - before.rfind("\n")
    return before.count(b"\n") + 1, position - before.rfind(b"\n")


def _yaml_dumps(data: Any) -> bytes:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    # ruamel.yaml leaves this option unannotated with the default None ("sort"), so its type is
    # inferred as None; the option takes a bool.
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.width = _YAML_WIDTH
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue().encode("utf-8")


_BOM = b"\xef\xbb\xbf"


def _json_loads(data: bytes) -> Any:
    data = data.removeprefix(_BOM)  # Windows editors write one; it carries no data
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if "UTF-8" in exc.msg:
            _utf8_text(data)  # raises with the byte where the text stops being UTF-8
        raise ValidationError([Issue("", Message("loading.json_error_at", line=exc.lineno, column=exc.colno,
                                                 problem=exc.msg))]) from None


def check_json_source(data: bytes) -> None:
    """What a JSON reader drops without a word: a key given twice (the last value wins), a
    number with more digits than a float keeps. Both are refused, with their place.

    Run on files (:func:`read_data`), which people edit by hand; it costs a second parse, so
    :func:`loads`, used for machine-made payloads, does not run it.
    """
    duplicates: list[tuple[dict, str]] = []
    inexact: list[str] = []

    def mapping(pairs):
        result = dict(pairs)
        if len(result) != len(pairs):
            seen: set = set()
            duplicates.extend((result, key) for key, _ in pairs if key in seen or seen.add(key))
        return result

    def whole(text):
        value = int(text)
        if not -(2**63) <= value < 2**64:
            inexact.append(text)
        return value

    def fraction(text):
        value = float(text)
        if math.isfinite(value) and Decimal(text) != Decimal(repr(value)):
            inexact.append(text)
        return value

    data = data.removeprefix(_BOM)
    try:
        document = json.loads(data, object_pairs_hook=mapping, parse_int=whole, parse_float=fraction)
    except RecursionError:  # orjson reads 1 024 levels, this reader somewhat fewer
        raise ValidationError([Issue("", Message("loading.json_error",
                                                 problem=Message("loading.nested_too_deeply")))]) from None
    except ValueError as exc:  # pragma: no cover - orjson read the same bytes
        raise ValidationError([Issue("", Message("loading.json_error", problem=str(exc)))]) from None
    issues = [Issue(_json_path_of(document, obj, key), Message("loading.json_key_twice"),
                    expected=Message("expect.each_key_once"), found=repr(key))
              for obj, key in duplicates[:20]]
    for text in inexact[:20]:
        line, column = _number_place(data, text)
        issues.append(Issue("", Message("loading.json_inexact_number", line=line, column=column),
                            expected=Message("expect.number_as_text", number=f'"{text[:40]}"'), found=text[:40]))
    if issues:
        raise ValidationError(issues)


def _json_path_of(document: Any, target: dict, key: str) -> str:
    """The document path of ``key`` in the mapping ``target`` (found by identity)."""
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        node, path = stack.pop()
        if node is target:
            return join_path(path, key)
        if isinstance(node, dict):
            stack.extend((value, join_path(path, name)) for name, value in node.items())
        elif isinstance(node, list):
            stack.extend((value, join_path(path, index)) for index, value in enumerate(node))
    return key  # pragma: no cover - the mapping is part of the document


def _number_place(data: bytes, text: str) -> tuple[int, int]:
    match = re.search(rb"(?<![\w.\"-])" + re.escape(text.encode()) + rb"(?![\w.])", data)
    return _line_column(data, match.start()) if match else (0, 0)


def _json_dumps(data: Any) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


YAML_FORMAT = DocumentFormat("yaml", (".yaml", ".yml"), _yaml_loads, _yaml_dumps, "YAML 1.2, loaded safely")
JSON_FORMAT = DocumentFormat("json", (".json",), _json_loads, _json_dumps, "JSON (UTF-8)")


@hookimpl
def actionplan_register_document_formats(register):
    register(YAML_FORMAT)
    register(JSON_FORMAT)


# -- format lookup -------------------------------------------------------------------------


def document_formats() -> Registry[DocumentFormat]:
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
    raise UnknownFormatError(Message("documents.unknown_extension", path=repr(str(path)), known=known))


# -- document types ------------------------------------------------------------------------


def own_id(document: Any) -> str | None:
    """The id most documents are stored under: their ``id`` field (``None`` when they have none)."""
    return getattr(document, "id", None)


def no_checks(document: Any, gazetteer: Gazetteer | None = None) -> Iterable[Issue]:
    """The checks of a type whose fields say it all: none."""
    return ()


def _attrs_class(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    if not (isinstance(value, type) and attrs.has(value)):
        raise TypeError(f"DocumentType.{attribute.name} must be an attrs class, not {value!r}")


def _callable(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    if not callable(value):
        raise TypeError(f"DocumentType.{attribute.name} must be callable, not {value!r}")


@attrs.frozen
class DocumentType:
    """What a document's ``type:`` key names (see ``actionplan_register_document_types``).

    ``cls`` is the attrs class documents of this type are structured into; ``store_id(document)``
    the id a store keeps one under (``None``: it has none, the id must be given);
    ``checks(document, gazetteer)`` the issues types alone cannot express, with their paths.
    """

    name: str
    cls: type = attrs.field(validator=_attrs_class)
    store_id: Callable[[Any], str | None] = attrs.field(default=own_id, validator=_callable)
    checks: Callable[[Any, Gazetteer | None], Iterable[Issue]] = attrs.field(default=no_checks, validator=_callable)


TYPES_HOOK = "actionplan_register_document_types"


def _type_name(doc_type: DocumentType) -> str:
    return doc_type.name


def _type_class(doc_type: DocumentType) -> type:
    return doc_type.cls


def document_types(pm: pluggy.PluginManager | None = None) -> Registry[DocumentType]:
    """Every document type installed plugins register (plans, tracking logs, applications…).

    With ``pm``, the types registered on that manager (gathered anew), else on the process-wide one.
    """
    if pm is not None:
        return collect(TYPES_HOOK, "document type", _type_name, pm, unique={"class": _type_class})
    return registry(TYPES_HOOK, "document type", _type_name, unique={"class": _type_class})


def registered_type(cls: type) -> DocumentType | None:
    """The document type of documents of class ``cls``, if it is one."""
    return next((doc_type for doc_type in document_types() if doc_type.cls is cls), None)


def type_name(cls: type) -> str:
    """The ``type:`` name of documents of class ``cls`` (its class name when it is no document type)."""
    doc_type = registered_type(cls)
    return doc_type.name if doc_type is not None else cls.__name__


def check_document(document: Any, gazetteer: Gazetteer | None = None) -> list[Issue]:
    """Every issue (errors and warnings) of a document, by the checks its type registered."""
    doc_type = registered_type(type(document))
    return list(doc_type.checks(document, gazetteer)) if doc_type is not None else []


# -- load / dump ---------------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024


def read_data(source: str | os.PathLike, format: str | None = None) -> Any:
    """Read a document file into plain data (no model yet)."""
    path = Path(source)
    fmt = format_for(path, format)
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(str(path))
        if not stat.S_ISREG(status.st_mode):  # a device (/dev/zero), a pipe: endless, or never ending
            raise ActionplanError(Message("documents.not_a_regular_file", path=str(path)))
        with path.open("rb") as handle:
            raw = handle.read(MAX_DOCUMENT_BYTES + 1)  # the file may have grown since stat()
        if len(raw) > MAX_DOCUMENT_BYTES:
            raise ValidationError([Issue("", Message("documents.file_too_large", size=max(status.st_size, len(raw)),
                                                     limit=MAX_DOCUMENT_BYTES))], str(path))
    except FileNotFoundError:
        raise ActionplanError(Message("documents.no_such_file", path=str(path))) from None
    except IsADirectoryError:
        raise ActionplanError(Message("documents.is_a_folder", path=str(path))) from None
    except PermissionError:
        raise ActionplanError(Message("documents.permission_denied", path=str(path))) from None
    try:
        data = fmt.loads(raw)
        if fmt is JSON_FORMAT:
            check_json_source(raw)
    except ValidationError as exc:
        raise ValidationError(exc.issues, str(path)) from None
    return data


def from_data(data: Any, cls: type | None = None, *, source: str | None = None, check: bool = True):
    """Plain data → model object, checked; raises one :class:`ValidationError` with every issue."""
    if not isinstance(data, dict):
        found = Message("found.empty_document") if data is None else describe(data)
        raise ValidationError([Issue("", Message("documents.not_a_mapping"), found=found)], source)
    data = dict(data)
    declared = data.pop("type", None)
    if cls is None:
        name = declared or "plan"
        types = document_types()
        doc_type = types.get(name) if isinstance(name, str) else None
        if doc_type is None:
            known = ", ".join(types.names())
            raise ValidationError([Issue("type", Message("documents.unknown_type"), expected=known,
                                         found=repr(declared))], source)
        cls = doc_type.cls
    version_issue = _check_schema_version(data, cls)
    if version_issue:
        raise ValidationError([version_issue], source)
    with collector_paused():  # ~15 000 acyclic objects for a large plan: no cycles to collect
        try:
            obj: Any = structure(data, cls)
        except ValidationError as exc:
            raise ValidationError(exc.issues, source) from None
        if check:
            issues = [i for i in check_document(obj) if i.severity == "error"]
            if issues:
                raise ValidationError(issues, source)
    return obj


def _check_schema_version(data: dict, cls: type) -> Issue | None:
    if not any(a.name == "schema_version" for a in attrs.fields(cls)):
        return None
    version = data.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return Issue("schema_version", Message("documents.invalid_schema_version"),
                     expected=Message("expect.positive_whole_number"), found=repr(version))
    if version > SCHEMA_VERSION:
        return Issue(
            "schema_version",
            Message("documents.newer_schema_version"),
            expected=Message("expect.at_most", limit=SCHEMA_VERSION),
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
    return _typed(obj, unstructure(obj))


def _typed(obj: Any, data: dict) -> dict:
    """``data`` with the ``type:`` of ``obj``'s document type first (none for plans and non-documents)."""
    doc_type = registered_type(type(obj))
    if doc_type is None or doc_type.name == "plan":
        return data
    return {"type": doc_type.name, **data}


def dumps(obj: Any, format: str = "yaml") -> bytes:
    """A plan (or any registered document) as the bytes of a document ``format`` (``"yaml"``, ``"json"``)."""
    return format_for(name=format).dumps(to_data(obj))


def dump(obj: Any, target: str | os.PathLike, *, format: str | None = None, keep_comments: bool = True) -> Path:
    """Write ``obj`` to ``target`` atomically, in the format its extension names.

    Rewriting an existing YAML file keeps its comments and layout wherever the data is
    unchanged (``keep_comments``): people annotate their plan files, and a tool that
    updates one value must not erase their notes.
    """
    path = Path(target)
    write_atomic(path, dump_bytes(obj, path, format=format, keep_comments=keep_comments))
    return path


def dump_bytes(obj: Any, target: str | os.PathLike, *, format: str | None = None, keep_comments: bool = True) -> bytes:
    """The bytes :func:`dump` writes to ``target``: over an existing YAML file, its comments and layout kept."""
    path = Path(target)
    fmt = format_for(path, format)
    data = to_data(obj)
    payload = None
    if keep_comments and fmt.name == "yaml" and path.is_file():
        payload = rewrite_yaml(path.read_bytes(), data, _with_defaults(obj))
    return payload if payload is not None else fmt.dumps(data)


def _with_defaults(obj: Any) -> dict:
    return _typed(obj, unstructure_with_defaults(obj))


def rewrite_yaml(old: bytes, data: Any, full: Any = None) -> bytes | None:
    """``data`` as YAML, laid over the document ``old`` so its comments and styles survive.

    ``full`` is ``data`` with default values written out: a default the old file spelt out
    is kept, one it left out stays out. Returns ``None`` when ``old`` is not a readable
    YAML mapping (then it is simply replaced).
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.allow_unicode = True
    try:
        text = old.decode("utf-8")
        document = yaml.load(text)
    except (YAMLError, UnicodeDecodeError):
        return None
    if not isinstance(document, CommentedMap) or not isinstance(data, dict):
        return None
    # a file actionplan wrote folds long texts at its width: folded again the same way; else never
    # re-wrap the author's long lines
    yaml.width = _YAML_WIDTH if _folds_long_texts(text) else 4096
    # keep the author's list indentation: "key:\n  - item" (offset 2) or "key:\n- item" (offset 0)
    nested = re.search(r"^( *)[^\s#-][^\n]*:[ \t]*\n(?:[ \t]*(?:#[^\n]*)?\n)*( *)- ", text, flags=re.M)
    if nested and len(nested.group(2)) - len(nested.group(1)) == 2:
        yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(_overlay(document, data, full if full is not None else data), stream)
    return stream.getvalue().encode("utf-8")


_YAML_WIDTH = 100  # where :func:`_yaml_dumps` folds long texts
_KEY_VALUE = re.compile(r"^(?P<lead>(?: *- +)* *)[^\s#'\"-][^\n]*?:[ \t]+[^\s|>&*!{\[#][^\n]*$")


def _folds_long_texts(text: str) -> bool:
    """Whether a YAML text continues plain or quoted scalars on the next lines (as :func:`_yaml_dumps`
    folds them), rather than writing each on one line."""
    previous = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if previous is not None and indent > previous and not line.lstrip().startswith("- "):
            return True
        match = _KEY_VALUE.match(line)
        previous = len(match["lead"]) if match else None  # the key's column
    return False


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
            elif index < len(old) and (not by_id or not _has_id(old[index]) and not _has_id(value)):
                previous = old[index]  # lists without ids, and items without one among others: by position
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


def _has_id(item: Any) -> bool:
    return isinstance(item, dict) and "id" in item


def _same_scalar(old: Any, new: Any) -> bool:
    """A quoted or styled scalar from ruamel equals the plain value written for it."""
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


def _write_error(path: Path, folder: Path, exc: OSError) -> ActionplanError:
    import errno

    reasons: dict[int | None, Message] = {
        errno.ENOENT: Message("documents.write.no_folder", folder=str(folder)),
        errno.ENOTDIR: Message("documents.write.not_a_folder", folder=str(folder)),
        errno.EACCES: Message("documents.write.permission_denied"),
        errno.EPERM: Message("documents.write.permission_denied"),
        errno.EROFS: Message("documents.write.read_only"),
        errno.ENOSPC: Message("documents.write.no_space"),
        errno.EISDIR: Message("documents.write.is_a_folder"),
    }
    reason = reasons.get(exc.errno) or Verbatim(exc.strerror or str(exc))
    return ActionplanError(Message("documents.write.failed", path=str(path), reason=reason))


def _file_mode(path: Path) -> int:
    """Keep an existing file's permissions; give a new one the usual ``0o666 & ~umask``."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _move_unless_exists(tmp: str, path: Path) -> None:
    """Rename ``tmp`` to ``path`` unless ``path`` exists: a hard link fails on an existing name, atomically."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
    except OSError:  # a file system without hard links: check, then rename
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def write_atomic(path: str | os.PathLike, payload: bytes, *, replace: bool = True) -> None:
    """Write bytes so that ``path`` holds either its old content or all of the new one.

    A failure (missing folder, read-only disk, disk full) is an :class:`ActionplanError` naming
    ``path``, not the temporary file, and leaves ``path`` as it was. With ``replace=False`` a
    file already at ``path`` (even one created while the bytes were written) is never replaced:
    :class:`FileExistsError` is raised and nothing is written.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _write_error(path, folder, exc) from None
    try:
        os.fchmod(fd, _file_mode(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            _move_unless_exists(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError) and not isinstance(exc, FileExistsError):
            raise _write_error(path, folder, exc) from None
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on folders
        pass

