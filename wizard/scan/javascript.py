"""The JavaScript/TypeScript reader of `role-wizard scan`: source text -> :class:`SdkCall` records.

It parses with tree-sitter (the ``tree-sitter``, ``tree-sitter-javascript`` and
``tree-sitter-typescript`` wheels: no Node at run time), imported only when a JavaScript file
is read, and finds the calls of:

* the AWS SDK for JavaScript v3: commands (``new GetItemCommand({...})``, sent or presigned with
  ``getSignedUrl``), paginators (``paginateQuery``), aggregated clients
  (``new DynamoDB({}).getItem({...})``), ``@aws-sdk/lib-dynamodb`` (``GetCommand``,
  ``DynamoDBDocument``) and ``@aws-sdk/lib-storage``'s ``Upload``;
* the SDK v2 (``new AWS.S3().getObject(...)``, ``new AWS.DynamoDB.DocumentClient().get(...)``,
  ``s3.upload``, ``s3.getSignedUrl("getObject", ...)``);
* Powertools for AWS Lambda (TypeScript): parameters (``getParameter``, ``getSecret``,
  ``getAppConfig``, the providers) and idempotency (``DynamoDBPersistenceLayer``).

Names: a v3 package ``@aws-sdk/client-X`` and a v2 class name are turned into botocore's
service name with ``catalogs/js-sdk-services.yaml`` (made from botocore's models by
``scripts/js_sdk_services.py``); an operation is kept only when botocore's model of that
service has it (:mod:`wizard.scan.models`, the scan's one loader of botocore's models), so a
class that merely ends in ``Command`` is not a call.

Values: request members are read from object literals (also through a ``const params = {...}``):
string constants, consts of the enclosing scopes, template literals and ``+`` with a constant
start (a prefix), ``process.env.X`` / ``process.env["X"]`` / ``const {X} = process.env`` (an
environment variable); anything else is reported unresolved, never guessed. Members whose value
cannot be a name (objects, arrays, numbers, booleans) are left out.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from wizard.catalog.data import catalog_yaml
from wizard.errors import UserError, one_line
from wizard.scan.calls import UNRESOLVED, SdkCall, Value, Where
from wizard.scan.models import operation_for, waiter_operation

#: Files larger than this are not read (bundled or generated code, not a handler).
MAX_BYTES = 4 * 1024 * 1024
#: How deep the reader follows a name to its value or client (a const of a const of ...).
MAX_DEPTH = 12

TYPESCRIPT_SUFFIXES = {".ts", ".mts", ".cts"}
TSX_SUFFIXES = {".tsx"}
#: A file that mentions none of these makes no SDK call the reader could name.
_MARKERS = ("aws-sdk", "@aws-lambda-powertools")

# -- facts about the SDKs (sources beside each) ------------------------------------------------

# @aws-sdk/lib-dynamodb commands and DynamoDBDocument methods, and the v2
# AWS.DynamoDB.DocumentClient methods -> the DynamoDB operation each sends (sources: AWS SDK for
# JavaScript v3 lib-dynamodb README "Commands"; v2 API reference AWS.DynamoDB.DocumentClient).
DOCUMENT_OPERATIONS = {
    "get": "GetItem",
    "put": "PutItem",
    "update": "UpdateItem",
    "delete": "DeleteItem",
    "query": "Query",
    "scan": "Scan",
    "batchGet": "BatchGetItem",
    "batchWrite": "BatchWriteItem",
    "transactGet": "TransactGetItems",
    "transactWrite": "TransactWriteItems",
    "executeStatement": "ExecuteStatement",
    "batchExecuteStatement": "BatchExecuteStatement",
    "executeTransaction": "ExecuteTransaction",
}
DOCUMENT_COMMANDS = {
    method[0].upper() + method[1:] + "Command": op for method, op in DOCUMENT_OPERATIONS.items()
}
DOCUMENT_PAGINATORS = {"paginateQuery": "Query", "paginateScan": "Scan"}

# lib-storage's Upload (v3) and v2's s3.upload (ManagedUpload): one PutObject for a small body,
# a multipart upload otherwise, aborted on failure (sources: @aws-sdk/lib-storage Upload.ts;
# v2 API reference AWS.S3.ManagedUpload).
UPLOAD_OPERATIONS = (
    "PutObject",
    "CreateMultipartUpload",
    "UploadPart",
    "CompleteMultipartUpload",
    "AbortMultipartUpload",
)

# Powertools for AWS Lambda (TypeScript) persistence layer for idempotency: the DynamoDB calls
# it makes on its table (source: docs.powertools.aws.dev/lambda/typescript, Idempotency, "IAM
# Permissions").
IDEMPOTENCY_OPERATIONS = ("GetItem", "PutItem", "UpdateItem", "DeleteItem")

# Powertools parameters (source: docs.powertools.aws.dev/lambda/typescript, Parameters): module
# -> function -> (service, operations, the botocore member its first argument is).
_PT = "@aws-lambda-powertools/parameters"
POWERTOOLS_FUNCTIONS: dict[str, dict[str, tuple[str, tuple[str, ...], str]]] = {
    f"{_PT}/ssm": {
        "getParameter": ("ssm", ("GetParameter",), "Name"),
        "getParameters": ("ssm", ("GetParametersByPath",), "Path"),
        "getParametersByName": ("ssm", ("GetParameters",), ""),
        "setParameter": ("ssm", ("PutParameter",), "Name"),
    },
    f"{_PT}/secrets": {"getSecret": ("secretsmanager", ("GetSecretValue",), "SecretId")},
    f"{_PT}/appconfig": {
        "getAppConfig": (
            "appconfigdata",
            ("StartConfigurationSession", "GetLatestConfiguration"),
            "ConfigurationProfileIdentifier",
        )
    },
}
# Provider classes: class -> (service, {method: (operations, member of the first argument)},
# the botocore member its constructor's `tableName` option is, if any).
POWERTOOLS_PROVIDERS: dict[str, tuple[str, dict[str, tuple[tuple[str, ...], str]]]] = {
    "SSMProvider": (
        "ssm",
        {
            "get": (("GetParameter",), "Name"),
            "getMultiple": (("GetParametersByPath",), "Path"),
            "getParametersByName": (("GetParameters",), ""),
        },
    ),
    "SecretsProvider": ("secretsmanager", {"get": (("GetSecretValue",), "SecretId")}),
    "AppConfigProvider": (
        "appconfigdata",
        {
            "get": (
                ("StartConfigurationSession", "GetLatestConfiguration"),
                "ConfigurationProfileIdentifier",
            )
        },
    ),
    "DynamoDBProvider": (
        "dynamodb",
        {"get": (("GetItem",), ""), "getMultiple": (("Query",), "")},
    ),
}
POWERTOOLS_IDEMPOTENCY = "@aws-lambda-powertools/idempotency"
# Options of the Powertools functions and providers that name a resource -> the botocore member
# they become (same source: DynamoDBProvider({tableName}), getAppConfig(name, {application,
# environment}), AppConfigProvider({application, environment})).
POWERTOOLS_OPTIONS = {
    "tableName": "TableName",
    "application": "ApplicationIdentifier",
    "environment": "EnvironmentIdentifier",
}


# -- the service table and botocore's operations -----------------------------------------------


def _squash(name: str) -> str:
    return name.replace(" ", "").replace("-", "").replace("_", "").lower()


@functools.cache
def _service_names() -> tuple[dict[str, str], dict[str, str]]:
    """(v3 package id -> botocore name, squashed class/serviceId/botocore name -> botocore)."""
    table = catalog_yaml("js-sdk-services.yaml")
    packages: dict[str, str] = {}
    classes: dict[str, str] = {}
    for service_id, name in table["services"].items():
        packages[service_id.lower().replace(" ", "-")] = name
        classes.setdefault(_squash(service_id), name)
        classes.setdefault(_squash(name), name)
    for cls, name in table["v2_aliases"].items():
        classes[_squash(cls)] = name
    return packages, classes


def service_of_package(module: str) -> str | None:
    """``@aws-sdk/client-dynamodb`` -> ``dynamodb``; None for any other module."""
    if not module.startswith("@aws-sdk/client-"):
        return None
    return _service_names()[0].get(module.removeprefix("@aws-sdk/client-"))


def service_of_class(name: str) -> str | None:
    """A v2 class (``SecretsManager``, ``StepFunctions``) -> botocore's service name."""
    return _service_names()[1].get(_squash(name))


# -- tree-sitter, lazily -----------------------------------------------------------------------

_FUNCTIONS = {
    "function_declaration",
    "function_expression",
    "function",
    "arrow_function",
    "method_definition",
    "generator_function_declaration",
    "generator_function",
}
_BLOCKS = {"program", "statement_block", "for_statement", "for_in_statement", "class_body"}
_WRAPPERS = {
    "parenthesized_expression",
    "await_expression",
    "as_expression",
    "satisfies_expression",
    "non_null_expression",
    "type_assertion",
}


@functools.cache
def _language(flavour: str) -> tuple[Any, Any]:
    """(Language, Query) for ``js``, ``ts`` or ``tsx``."""
    import tree_sitter

    if flavour == "js":
        import tree_sitter_javascript

        language = tree_sitter.Language(tree_sitter_javascript.language())
        field = "field_definition"
    else:
        import tree_sitter_typescript

        grammar = (
            tree_sitter_typescript.language_tsx()
            if flavour == "tsx"
            else tree_sitter_typescript.language_typescript()
        )
        language = tree_sitter.Language(grammar)
        # a constructor's parameter property (`constructor(private db = new S3())`) is a field
        field = "public_field_definition) @field (required_parameter (accessibility_modifier)"
    query = tree_sitter.Query(
        language,
        "(import_statement) @import (call_expression) @call (new_expression) @new "
        f"(variable_declarator) @decl (assignment_expression) @assign ({field}) @field",
    )
    return language, query


def flavour_of(path: str) -> str:
    suffix = PurePath(path).suffix.lower()
    if suffix in TSX_SUFFIXES:
        return "tsx"
    return "ts" if suffix in TYPESCRIPT_SUFFIXES else "js"


# -- the reader --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Client:
    """What an expression holds: ``kind`` is ``v3`` (sends commands), ``agg`` (v3 aggregated
    or v2 client: methods are operations), ``doc`` (a DynamoDB document client's methods) or
    ``provider`` (a Powertools parameters provider, ``name`` its class)."""

    kind: str
    service: str
    name: str = ""
    #: request members a provider's constructor options fix (DynamoDBProvider's TableName)
    options: tuple[tuple[str, Value], ...] = ()


@dataclass(frozen=True)
class _Import:
    module: str
    name: str  # the exported name; "*" for a namespace or a whole require(), "default"


def extract_javascript(
    text: str, path: str, notes: list[str] | None = None, modules: JsModules | None = None
) -> list[SdkCall]:
    """The AWS SDK calls in the JavaScript or TypeScript source ``text`` of the file ``path``
    (TypeScript by its suffix: .ts, .tsx, .mts, .cts), in source order. ``modules``: the other
    files of the scan, whose exported clients and names this file may import.

    Never raises for bad input: a file that is binary, too large or not valid code gets a
    one-line note appended to ``notes`` (``path:line: ...``); a file with syntax errors is still
    read where tree-sitter could recover, with a note."""
    reader = _read(text, path, notes if notes is not None else [], modules, markers=True)
    return reader.calls() if reader is not None else []


_RELATIVE_IMPORT = re.compile(r"""(?:\bfrom|\brequire\(|\bimport\()\s*['"]\.""")
# A relative module a file may import (``from "./storage"``, ``require('../lib/s3')``), in the
# file's bytes (read for this alone, not decoded): any quoted ./ or ../ path, a superset (the
# importing file's own imports are checked when it is read).
_RELATIVE_SPECIFIER = re.compile(rb"""['"](\.\.?(?:/[^'"\n]*)?)['"]""")


def _read(
    text: str, path: str, notes: list[str], modules: JsModules | None, markers: bool
) -> _Reader | None:
    """A reader of ``text``, or None when there is nothing to read (``markers``: only when
    the file mentions the SDK or, with ``modules``, imports a file of the scan)."""
    shown = one_line(path, keep_end=True)  # a note is one line, whatever the file is called
    if "\x00" in text:
        notes.append(f"{shown}:1: skipped: binary content (NUL bytes), not JavaScript")
        return None
    raw = text.encode("utf-8", "replace")
    if len(raw) > MAX_BYTES:
        notes.append(
            f"{shown}:1: skipped: {len(raw):,} bytes, over the {MAX_BYTES:,}-byte limit for "
            "handler code (bundled or generated code?)"
        )
        return None
    if (
        markers
        and not any(marker in text for marker in _MARKERS)
        and (modules is None or not (_RELATIVE_IMPORT.search(text) or modules.imported(path)))
    ):
        return None
    import tree_sitter

    language, query = _language(flavour_of(path))
    tree = tree_sitter.Parser(language).parse(raw)
    root = tree.root_node
    if root.has_error:
        line = _first_error_line(root)
        notes.append(f"{shown}:{line}: syntax error; read only the parts that parse")
    captures = tree_sitter.QueryCursor(query).captures(root)
    return _Reader(path, captures, modules, root.id)


class JsModules:
    """The JavaScript/TypeScript files of one scan, as modules one another imports: a client or
    name a module exports (``export const ddb = DynamoDBDocumentClient.from(...)``,
    ``module.exports = {ddb}``, ``exports.TABLE = ...``) is followed into the files that import
    it by a relative path (``import {ddb} from "./clients"``, ``import * as c from
    "./clients.js"``, ``const {ddb} = require("./clients")``). The path is resolved as Node and
    TypeScript do: as written, with each code suffix, as a folder's ``index``, and ``.js``
    written for a ``.ts`` file. Each module is parsed once, when first imported. The other
    way round, a helper's parameter is followed to what the files importing the helper pass
    (:meth:`importers`: which file imports which is read once from the files' text, and an
    importing file is parsed when a helper it calls is first looked at)."""

    SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts")

    def __init__(self, paths: list[str]) -> None:
        self.paths = {os.path.normpath(os.path.abspath(p)): p for p in paths}
        self.readers: dict[str, _Reader | None] = {}
        self._importers: dict[str, list[str]] | None = None  # file -> the files importing it

    def reader(self, importer: str, module: str) -> _Reader | None:
        """The reader of the file ``importer`` imports as ``module``; None when it is not a
        relative import of a file of this scan."""
        found = self.resolve(importer, module)
        return self._reader(found) if found is not None else None

    def imported(self, path: str) -> bool:
        """Whether a file of the scan imports ``path`` by a relative path."""
        return bool(self._importers_of(path))

    def importers(self, path: str) -> list[_Reader]:
        """The readers of the files of the scan that import ``path`` by a relative path."""
        readers = (self._reader(norm) for norm in self._importers_of(path))
        return [r for r in readers if r is not None]

    def _importers_of(self, path: str) -> list[str]:
        if self._importers is None:  # each file's relative imports, by a look at its bytes
            self._importers = {}
            for norm, given in self.paths.items():
                try:
                    with open(given, "rb") as handle:
                        if os.fstat(handle.fileno()).st_size > MAX_BYTES:
                            continue  # too big to be read at all
                        raw = handle.read()
                except OSError:
                    continue
                for module in set(_RELATIVE_SPECIFIER.findall(raw)):
                    target = self.resolve(given, module.decode("utf-8", "replace"))
                    if target is not None and target != norm:
                        self._importers.setdefault(target, []).append(norm)
        return self._importers.get(os.path.normpath(os.path.abspath(path)), [])

    def resolve(self, importer: str, module: str) -> str | None:
        """The file of the scan ``importer`` imports as ``module`` (normalised); None when it
        is not a relative import of one."""
        if not module.startswith("."):
            return None
        base = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(importer)), module))
        stem, suffix = os.path.splitext(base)
        candidates = [base, *(base + s for s in self.SUFFIXES)]
        candidates += [os.path.join(base, "index" + s) for s in self.SUFFIXES]
        if suffix in (".js", ".mjs", ".cjs", ".jsx"):  # TypeScript's "./clients.js" for .ts
            candidates += [stem + s for s in (".ts", ".tsx", ".mts", ".cts")]
        for candidate in candidates:
            if candidate in self.paths:
                return candidate
        return None

    def _reader(self, norm: str) -> _Reader | None:
        if norm not in self.readers:
            self.readers[norm] = None  # an import cycle reads as nothing
            from wizard.limits import read_text

            try:
                text, _ = read_text(self.paths[norm], "source file", MAX_BYTES)
            except UserError:
                return None
            self.readers[norm] = _read(text, self.paths[norm], [], self, markers=False)
        return self.readers[norm]


def _first_error_line(root: Any) -> int:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return node.start_point[0] + 1
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
    return 1


def _text(node: Any) -> str:
    """A node's source text; "" for a node a broken tree left out."""
    return node.text.decode("utf-8", "replace") if node is not None else ""


def _unwrap(node: Any) -> Any:
    while node is not None and node.type in _WRAPPERS:
        node = node.named_children[0] if node.named_children else None
    return node


def _string(node: Any) -> str | None:
    """The value of a string literal (or a template without substitutions); None otherwise."""
    if node.type not in ("string", "template_string"):
        return None
    parts = []
    for child in node.named_children:
        if child.type == "string_fragment":
            parts.append(_text(child))
        elif child.type == "escape_sequence":
            escaped = _text(child)[1:]
            if len(escaped) != 1 or escaped.isalnum():
                return None  # \n, \u0041...: not worth guessing in a resource name
            parts.append(escaped)
        else:
            return None
    return "".join(parts)


def _property_name(node: Any) -> str | None:
    if node.type in ("property_identifier", "identifier"):
        return _text(node)
    return _string(node)


def _is_process_env(node: Any) -> bool:
    node = _unwrap(node)
    return (
        node is not None
        and node.type == "member_expression"
        and _text(node.child_by_field_name("object")) == "process"
        and _text(node.child_by_field_name("property")) == "env"
    )


class _Reader:
    def __init__(
        self,
        path: str,
        captures: dict[str, list[Any]],
        modules: JsModules | None = None,
        root: int = -1,
    ) -> None:
        self.path = path
        self.captures = captures
        self.modules = modules
        self.root = root  # the program node's id: the scope of the module's own names
        self.imports: dict[str, _Import] = {}
        # (scope node id, name) -> the declarator's value node (None: declared without one,
        # or more than once -- not a constant)
        self.decls: dict[tuple[int, str], Any] = {}
        self.env_names: dict[tuple[int, str], str] = {}  # const {X: y} = process.env
        self.members: dict[str, list[Any]] = {}  # this.x / field x -> assigned values
        self.reassigned: set[str] = set()
        self.functions: dict[str, list[Any]] = {}  # helper name -> its function nodes
        # what each node was found to hold, so that helpers calling helpers stay linear (a
        # result cut short by MAX_DEPTH is kept too: it is unresolved, never wrong)
        self._values: dict[int, Value | None] = {}
        self._clients: dict[int, _Client | None] = {}
        self._read_bindings()

    # -- bindings ------------------------------------------------------------------------------

    def _read_bindings(self) -> None:
        for node in self.captures.get("import", []):
            source = node.child_by_field_name("source")
            module = _string(source) if source is not None else None
            if module is None:
                continue
            for clause in node.named_children:
                if clause.type == "import_clause":
                    self._import_clause(clause, module)
        for node in self.captures.get("decl", []):
            self._declarator(node)
        for node in self.captures.get("assign", []):
            left = _unwrap(node.child_by_field_name("left"))
            right = node.child_by_field_name("right")
            if left is None:
                continue
            if left.type == "identifier":
                self.reassigned.add(_text(left))
            elif left.type == "member_expression" and self._this_member(left):
                self.members.setdefault(self._this_member(left), []).append(right)
        for node in self.captures.get("field", []):
            if node.type == "required_parameter":  # its default, else its type tells
                name = node.child_by_field_name("pattern")
                value = node.child_by_field_name("value") or node
            else:
                name = node.child_by_field_name("name") or node.child_by_field_name("property")
                value = node.child_by_field_name("value")
            if name is not None and value is not None:
                self.members.setdefault(_text(name), []).append(value)

    def _import_clause(self, clause: Any, module: str) -> None:
        for child in clause.named_children:
            if child.type == "identifier":
                self.imports[_text(child)] = _Import(module, "default")
            elif child.type == "namespace_import":
                for ident in child.named_children:
                    self.imports[_text(ident)] = _Import(module, "*")
            elif child.type == "named_imports":
                for spec in child.named_children:
                    if spec.type != "import_specifier":
                        continue
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias") or name
                    self.imports[_text(alias)] = _Import(module, _text(name))

    def _require(self, node: Any) -> str | None:
        """``require("m")`` (also ``await import("m")``) -> "m"."""
        node = _unwrap(node)
        if node is None or node.type != "call_expression":
            return None
        fn = node.child_by_field_name("function")
        if (
            fn is None
            or fn.type not in ("identifier", "import")
            or _text(fn)
            not in (
                "require",
                "import",
            )
        ):
            return None
        args = node.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        return _string(first) if first is not None else None

    def _declarator(self, node: Any) -> None:
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is None:
            return
        scope = self._scope_of(node)
        if name.type == "identifier":
            module = self._require(value) if value is not None else None
            if module is not None:
                self.imports[_text(name)] = _Import(module, "*")
                return
            key = (scope, _text(name))
            self.decls[key] = None if key in self.decls else value
            if value is not None and _unwrap(value).type in (
                "arrow_function",
                "function_expression",
            ):
                self.functions.setdefault(_text(name), []).append(_unwrap(value))
            return
        if name.type != "object_pattern" or value is None:
            return
        module = self._require(value)
        from_env = _is_process_env(value)
        for prop in name.named_children:
            if prop.type == "shorthand_property_identifier_pattern":
                key, local = _text(prop), _text(prop)
            elif prop.type == "pair_pattern":
                key = _property_name(prop.child_by_field_name("key")) or ""
                target = prop.child_by_field_name("value")
                if target is not None and target.type == "assignment_pattern":
                    target = target.child_by_field_name("left")
                if target is None or target.type != "identifier":
                    continue
                local = _text(target)
            elif prop.type == "object_assignment_pattern":  # {X = "default"}
                left = prop.child_by_field_name("left")
                if left is None:
                    continue
                key = local = _text(left)
            else:
                continue
            if module is not None:
                self.imports[local] = _Import(module, key)
            elif from_env:
                self.env_names[(scope, local)] = key
                self.decls[(scope, local)] = None if (scope, local) in self.decls else value

    @staticmethod
    def _scope_of(node: Any) -> int:
        parent = node.parent
        while parent is not None:
            if parent.type in _BLOCKS:
                return parent.id
            if parent.type in _FUNCTIONS:  # an arrow function's expression body
                return parent.id
            parent = parent.parent
        return -1

    @staticmethod
    def _this_member(node: Any) -> str | None:
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        if obj is not None and obj.type == "this" and prop is not None:
            return _text(prop)
        return None

    def _lookup(self, ident: Any) -> tuple[str, Any]:
        """What the identifier ``ident`` names where it is used: ("decl", value node),
        ("env", variable), ("param", (function node, index)) or ("none", None)."""
        name = _text(ident)
        node = ident.parent
        while node is not None:
            if node.type in _BLOCKS or node.type in _FUNCTIONS:
                key = (node.id, name)
                if key in self.env_names:
                    return "env", self.env_names[key]
                if key in self.decls:
                    if self.decls[key] is None or name in self.reassigned:
                        return "none", None
                    return "decl", self.decls[key]
            if node.type in _FUNCTIONS:
                index = self._param_index(node, name)
                if index is not None:
                    return "param", (node, index)
            node = node.parent
        return "none", None

    @staticmethod
    def _params(fn: Any) -> list[Any]:
        single = fn.child_by_field_name("parameter")
        if single is not None:
            return [single]
        params = fn.child_by_field_name("parameters")
        if params is None:
            return []
        return [p for p in params.named_children if p.type != "comment"]

    def _param_index(self, fn: Any, name: str) -> int | None:
        for index, param in enumerate(self._params(fn)):
            if name in self._pattern_names(param):
                return index
        return None

    @staticmethod
    def _pattern_names(node: Any) -> set[str]:
        names: set[str] = set()
        stack = [node]
        while stack:
            item = stack.pop()
            if item.type in ("identifier", "shorthand_property_identifier_pattern"):
                names.add(_text(item))
            elif item.type in ("type_annotation", "accessibility_modifier"):
                continue
            elif item.type in ("assignment_pattern", "object_assignment_pattern"):
                left = item.child_by_field_name("left")
                if left is not None:
                    stack.append(left)
            elif item.type == "pair_pattern":
                value = item.child_by_field_name("value")
                if value is not None:
                    stack.append(value)
            else:
                stack.extend(item.named_children)
        return names

    # -- values --------------------------------------------------------------------------------

    def value(self, node: Any, depth: int = 0) -> Value | None:
        """What ``node`` passes as a request member; None when it cannot be a name at all."""
        node = _unwrap(node)
        if node is None or depth > MAX_DEPTH:
            return UNRESOLVED
        if node.id not in self._values:
            self._values[node.id] = self._value(node, depth)
        return self._values[node.id]

    def _value(self, node: Any, depth: int) -> Value | None:
        kind = node.type
        if kind in ("object", "array", "number", "true", "false", "null", "undefined"):
            return None
        text = _string(node)
        if text is not None:
            return Value(text=text)
        if kind == "template_string":
            return self._template(node, depth)
        if kind == "binary_expression":
            return self._binary(node, depth)
        if kind == "identifier":
            found, what = self._lookup(node)
            if found == "env":
                return Value(env=what)
            if found == "decl":
                return self.value(what, depth + 1) or UNRESOLVED
            if found == "param":
                seen = {r.value(arg, depth + 1) for r, arg in self._arguments_of(*what)}
                return (seen.pop() or UNRESOLVED) if len(seen) == 1 else UNRESOLVED
            foreign = self._foreign(self.imports.get(_text(node)))  # import {TABLE} from "./c"
            return (
                (foreign[0].value(foreign[1], depth + 1) or UNRESOLVED) if foreign else UNRESOLVED
            )
        if kind in ("member_expression", "subscript_expression"):
            return self._member_value(node, depth)
        return UNRESOLVED

    def _template(self, node: Any, depth: int) -> Value:
        parts: list[str] = []
        children = node.named_children
        if len(children) == 1 and children[0].type == "template_substitution":
            inner = children[0].named_children
            return (self.value(inner[0], depth + 1) or UNRESOLVED) if inner else UNRESOLVED
        for child in children:
            if child.type == "string_fragment":
                parts.append(_text(child))
                continue
            if child.type == "escape_sequence":
                escaped = _text(child)[1:]
                if len(escaped) == 1 and not escaped.isalnum():
                    parts.append(escaped)
                    continue
            elif child.type == "template_substitution" and child.named_children:
                inner = self.value(child.named_children[0], depth + 1)
                if inner is not None and inner.resolved:
                    parts.append(inner.text or "")
                    continue
                if inner is not None and inner.prefix and inner.text:
                    parts.append(inner.text)
            return Value(text="".join(parts), prefix=True) if parts else UNRESOLVED
        return Value(text="".join(parts))

    def _binary(self, node: Any, depth: int) -> Value:
        op = node.child_by_field_name("operator")
        left = self.value(node.child_by_field_name("left"), depth + 1) or UNRESOLVED
        operator = _text(op) if op is not None else ""
        if operator in ("??", "||"):  # process.env.X ?? "default": the variable decides
            return left if (left.env or left.resolved) else UNRESOLVED
        if operator != "+":
            return UNRESOLVED
        if left.prefix:
            return left if left.text else UNRESOLVED
        if not left.resolved:
            return UNRESOLVED
        right = self.value(node.child_by_field_name("right"), depth + 1) or UNRESOLVED
        if right.resolved:
            return Value(text=(left.text or "") + (right.text or ""))
        text = (left.text or "") + (right.text or "" if right.prefix else "")
        return Value(text=text, prefix=True) if text else UNRESOLVED

    def _member_value(self, node: Any, depth: int) -> Value:
        obj = node.child_by_field_name("object")
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            key = _text(prop) if prop is not None else None
        else:
            index = node.child_by_field_name("index")
            key = _string(_unwrap(index)) if index is not None else None
        if key is None or obj is None:
            return UNRESOLVED
        if _is_process_env(obj):
            return Value(env=key)
        if obj.type == "this":  # this.table: the one value the class ever gives it
            values = {self.value(v, depth + 1) for v in self.members.get(key, [])}
            return values.pop() or UNRESOLVED if len(values) == 1 else UNRESOLVED
        target = self._object_of(obj, depth + 1)
        if target is not None:
            member = self._member(target, key)
            if member is not None:
                return self.value(member, depth + 1) or UNRESOLVED
        foreign = self._foreign(self._imported(node)) if node.type == "member_expression" else None
        if foreign is not None:  # config.TABLE, of import * as config from "./config"
            return foreign[0].value(foreign[1], depth + 1) or UNRESOLVED
        return UNRESOLVED

    def _object_of(self, node: Any, depth: int) -> Any:
        """The object literal an expression names (``const config = {...}``), if any."""
        node = _unwrap(node)
        for _ in range(MAX_DEPTH - depth):
            if node is None:
                return None
            if node.type == "object":
                return node
            if node.type != "identifier":
                return None
            found, what = self._lookup(node)
            if found != "decl":
                return None
            node = _unwrap(what)
        return None

    @staticmethod
    def _member(obj: Any, key: str) -> Any:
        """The value of member ``key`` of an object literal (the last one written wins)."""
        found = None
        for child in obj.named_children:
            if child.type == "pair":
                if _property_name(child.child_by_field_name("key")) == key:
                    found = child.child_by_field_name("value")
            elif child.type == "shorthand_property_identifier" and _text(child) == key:
                found = child
        return found

    def params(self, node: Any | None, depth: int = 0) -> dict[str, Value]:
        """The request members of the object ``node`` (or of the const it names)."""
        obj = self._object_of(node, depth) if node is not None else None
        if obj is None:
            return {}
        out: dict[str, Value] = {}
        for child in obj.named_children:
            if child.type == "pair":
                key = _property_name(child.child_by_field_name("key"))
                if key is None:
                    continue
                value = self.value(child.child_by_field_name("value"), depth)
            elif child.type == "shorthand_property_identifier":
                key = _text(child)
                value = self.value(child, depth)
            else:
                continue
            if value is not None:
                out[key] = value
        return out

    # -- clients -------------------------------------------------------------------------------

    def _imported(self, node: Any) -> _Import | None:
        """The import a constructor or function expression names: ``GetItemCommand``,
        ``ddb.GetItemCommand`` (namespace), ``AWS.S3``, ``AWS.DynamoDB.DocumentClient``."""
        node = _unwrap(node)
        if node is None:
            return None
        if node.type == "identifier":
            return self.imports.get(_text(node))
        if node.type != "member_expression":
            return None
        prop = node.child_by_field_name("property")
        base = self._imported(node.child_by_field_name("object"))
        if base is None or prop is None:
            return None
        name = _text(prop)
        if base.name in ("*", "default"):
            return _Import(base.module, name)
        return _Import(base.module, f"{base.name}.{name}")

    def _v2_service(self, imp: _Import) -> tuple[str, bool] | None:
        """(service, is a DocumentClient) for a v2 class import, else None."""
        if imp.module == "aws-sdk":
            parts = imp.name.split(".")
        elif imp.module.startswith("aws-sdk/clients/"):
            parts = [imp.module.removeprefix("aws-sdk/clients/"), *imp.name.split(".")[1:]]
        else:
            return None
        service = service_of_class(parts[0])
        if service is None:
            return None
        if parts[1:] == ["DocumentClient"] and service == "dynamodb":
            return service, True
        return (service, False) if len(parts) == 1 else None

    def client_of(self, node: Any, depth: int = 0) -> _Client | None:
        """The client an expression holds, if the reader can tell."""
        node = _unwrap(node)
        if node is None or depth > MAX_DEPTH:
            return None
        if node.id not in self._clients:
            self._clients[node.id] = self._client_of(node, depth)
        return self._clients[node.id]

    def _foreign(self, imp: _Import | None) -> tuple[_Reader, Any] | None:
        """The module of this scan that ``imp`` names, and the node of the name it exports."""
        if imp is None or self.modules is None or imp.name in ("*", "default"):
            return None
        other = self.modules.reader(self.path, imp.module)
        node = other.exported(imp.name) if other is not None else None
        return (other, node) if node is not None else None  # type: ignore[return-value]

    def exported(self, name: str) -> Any:
        """The value node of ``name`` as this module exports it: ``exports.X = ...``,
        ``module.exports = {X}``, else the module-level declaration (``export const X``)."""
        for node in self.captures.get("assign", []):
            left = _text(_unwrap(node.child_by_field_name("left")))
            right = _unwrap(node.child_by_field_name("right"))
            if left in (f"exports.{name}", f"module.exports.{name}"):
                return right
            if left == "module.exports" and right is not None and right.type == "object":
                member = self._member(right, name)
                if member is not None and member.type != "shorthand_property_identifier":
                    return member
        return self.decls.get((self.root, name))

    def _client_of(self, node: Any, depth: int) -> _Client | None:
        if node.type == "required_parameter":  # a parameter property without a default
            return self._client_of_type(node)
        if node.type == "identifier":
            found, what = self._lookup(node)
            if found == "decl":
                return self.client_of(what, depth + 1)
            if found == "param":
                return self._param_client(*what, depth + 1)
            foreign = self._foreign(self.imports.get(_text(node)))  # import {ddb} from "./c"
            return foreign[0].client_of(foreign[1], depth + 1) if foreign else None
        if node.type == "member_expression":
            member = self._this_member(node)
            if member is None:  # clients.ddb, of import * as clients from "./clients"
                foreign = self._foreign(self._imported(node))
                return foreign[0].client_of(foreign[1], depth + 1) if foreign else None
            seen = {self.client_of(v, depth + 1) for v in self.members.get(member, [])}
            return seen.pop() if len(seen) == 1 else None
        if node.type == "new_expression":
            imp = self._imported(node.child_by_field_name("constructor"))
            client = self._client_class(imp) if imp is not None else None
            if client is not None and client.kind == "provider":
                args = self._args(node)
                options = self._options(args[0] if args else None)
                return _Client(client.kind, client.service, client.name, tuple(options.items()))
            return client
        if node.type == "call_expression":  # DynamoDBDocumentClient.from(client)
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "member_expression":
                prop = fn.child_by_field_name("property")
                imp = self._imported(fn.child_by_field_name("object"))
                if imp is not None and prop is not None and _text(prop) == "from":
                    return self._client_class(imp)
        return None

    def _client_class(self, imp: _Import) -> _Client | None:
        service = service_of_package(imp.module)
        if service is not None:
            if imp.name.endswith("Client"):
                return _Client("v3", service)
            if imp.name.endswith("Command") or imp.name.startswith(("paginate", "waitUntil")):
                return None
            return _Client("agg", service)
        if imp.module == "@aws-sdk/lib-dynamodb":
            if imp.name == "DynamoDBDocumentClient":
                return _Client("v3", "dynamodb")
            if imp.name == "DynamoDBDocument":
                return _Client("doc", "dynamodb")
            return None
        if imp.module.startswith(_PT) and imp.name in POWERTOOLS_PROVIDERS:
            return _Client("provider", POWERTOOLS_PROVIDERS[imp.name][0], imp.name)
        v2 = self._v2_service(imp)
        if v2 is not None:
            return _Client("doc" if v2[1] else "agg", v2[0])
        return None

    def _param_client(self, fn: Any, index: int, depth: int) -> _Client | None:
        """The client a helper's parameter holds: by its TypeScript type, else by what every
        call of the helper in this file passes."""
        params = self._params(fn)
        if index < len(params):
            typed = self._client_of_type(params[index])
            if typed is not None:
                return typed
        seen = {r.client_of(arg, depth + 1) for r, arg in self._arguments_of(fn, index)}
        return seen.pop() if len(seen) == 1 else None

    def _client_of_type(self, param: Any) -> _Client | None:
        """The client a TypeScript parameter's type names (``S3Client``, ``AWS.S3``)."""
        annotation = param.child_by_field_name("type")
        if annotation is None or not annotation.named_children:
            return None
        named = annotation.named_children[0]
        if named.type not in ("type_identifier", "nested_type_identifier"):
            return None
        first, *rest = _text(named).replace(" ", "").split(".")
        imp = self.imports.get(first)
        if imp is None:
            return None
        if rest:
            inner = ".".join(rest)
            imp = _Import(
                imp.module, inner if imp.name in ("*", "default") else f"{imp.name}.{inner}"
            )
        return self._client_class(imp)

    def _arguments_of(self, fn: Any, index: int) -> list[tuple[_Reader, Any | None]]:
        """What the calls of the helper ``fn`` pass as its parameter ``index``, each with the
        reader of its file: the calls in this file, and those in the scanned files that
        import it (None for a call that passes nothing there); no calls: ``[(self, None)]``."""
        nothing: list[tuple[_Reader, Any | None]] = [(self, None)]
        if self._params(fn)[index].type == "rest_pattern":
            return nothing
        given: list[tuple[_Reader, Any | None]] = []
        name = self._function_name(fn)
        if name is not None and not self._passed(
            lambda c: c.type == "identifier" and _text(c) == name, index, given
        ):
            return nothing
        for reader in self.modules.importers(self.path) if self.modules is not None else ():
            callee = reader._callee_of(self, fn)
            if callee is not None and not reader._passed(callee, index, given):
                return nothing
        return given or nothing

    def _passed(self, callee: Any, index: int, given: list[tuple[_Reader, Any | None]]) -> bool:
        """Adds to ``given`` what this file's calls whose callee ``callee`` accepts pass as
        argument ``index``; False when one spreads its arguments there (unknowable)."""
        for call in self.captures.get("call", []):
            node = call.child_by_field_name("function")
            if node is None or not callee(node):
                continue
            args = self._args(call)
            if any(a.type == "spread_element" for a in args[: index + 1]):
                return False
            given.append((self, args[index] if index < len(args) else None))
        return True

    def _callee_of(self, module: _Reader, fn: Any) -> Any:
        """A test of a callee node: whether it names the function ``fn`` that ``module``
        exports, as this file imports it (``archive``, ``storage.archive``); None when this
        file imports no such name."""
        assert self.modules is not None
        target = os.path.normpath(os.path.abspath(module.path))
        names: set[str] = set()
        spaces: set[str] = set()
        for local, imp in self.imports.items():
            if self.modules.resolve(self.path, imp.module) != target:
                continue
            if imp.name == "*":
                spaces.add(local)
            elif imp.name != "default" and module._exports_function(imp.name, fn):
                names.add(local)
        if not names and not spaces:
            return None

        def callee(node: Any) -> bool:
            if node.type == "identifier":
                return _text(node) in names
            if node.type != "member_expression" or not spaces:
                return False
            obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
            return (
                obj is not None
                and obj.type == "identifier"
                and _text(obj) in spaces
                and module._exports_function(_text(prop), fn)
            )

        return callee

    def _exports_function(self, name: str, fn: Any) -> bool:
        """Whether this module exports the function ``fn`` as ``name`` (``exports.X = ...``,
        ``export const X = ...``, ``export function X``, ``module.exports = {X}``)."""
        node = _unwrap(self.exported(name))
        if node is not None:
            return node.id == fn.id
        return (
            fn.type in ("function_declaration", "generator_function_declaration")
            and self._scope_of(fn) == self.root
            and self._function_name(fn) == name
        )

    def _function_name(self, fn: Any) -> str | None:
        if fn.type in ("function_declaration", "generator_function_declaration"):
            name = fn.child_by_field_name("name")
            return _text(name) if name is not None else None
        parent = fn.parent
        while parent is not None and parent.type in _WRAPPERS:
            parent = parent.parent
        if parent is not None and parent.type == "variable_declarator":
            name = parent.child_by_field_name("name")
            if (
                name is not None
                and name.type == "identifier"
                and fn in self.functions.get(_text(name), [])
            ):
                return _text(name)
        return None

    # -- calls ---------------------------------------------------------------------------------

    def calls(self) -> list[SdkCall]:
        found: list[tuple[int, int, SdkCall]] = []
        for node in self.captures.get("new", []):
            for call in self._from_new(node):
                found.append((node.start_byte, len(found), call))
        for node in self.captures.get("call", []):
            for call in self._from_call(node):
                found.append((node.start_byte, len(found), call))
        found.sort(key=lambda item: (item[0], item[1]))
        return [call for _, _, call in found]

    def _where(self, node: Any) -> Where:
        return Where(self.path, node.start_point[0] + 1)

    @staticmethod
    def _args(node: Any) -> list[Any]:
        args = node.child_by_field_name("arguments")
        return list(args.named_children) if args is not None else []

    def _from_new(self, node: Any) -> Iterator[SdkCall]:
        ctor = node.child_by_field_name("constructor")
        imp = self._imported(ctor)
        if imp is None:
            return
        args = self._args(node)
        first = args[0] if args else None
        where = self._where(ctor)
        service = service_of_package(imp.module)
        if service is not None and imp.name.endswith("Command"):
            op = operation_for(service, imp.name.removesuffix("Command"))
            if op is not None:
                yield SdkCall(service, op, where, self.params(first), self._presigned(node))
        elif imp.module == "@aws-sdk/lib-dynamodb" and imp.name in DOCUMENT_COMMANDS:
            op = DOCUMENT_COMMANDS[imp.name]
            yield SdkCall("dynamodb", op, where, self.params(first), self._presigned(node))
        elif imp.module == "@aws-sdk/lib-storage" and imp.name == "Upload":
            obj = self._object_of(first, 0) if first is not None else None
            request = self._member(obj, "params") if obj is not None else None
            params = self.params(request) if request is not None else {}
            for op in UPLOAD_OPERATIONS:
                yield SdkCall("s3", op, where, params, "Upload")
        elif (
            imp.module.startswith(POWERTOOLS_IDEMPOTENCY) and imp.name == "DynamoDBPersistenceLayer"
        ):
            obj = self._object_of(first, 0) if first is not None else None
            table = self._member(obj, "tableName") if obj is not None else None
            value = (self.value(table) or UNRESOLVED) if table is not None else UNRESOLVED
            for op in IDEMPOTENCY_OPERATIONS:
                yield SdkCall("dynamodb", op, where, {"TableName": value}, "idempotency")

    def _presigned(self, new: Any) -> str:
        """``getSignedUrl`` when the command is presigned rather than sent."""
        parent = new.parent
        if parent is None or parent.type != "arguments" or parent.parent is None:
            return ""
        imp = self._imported(parent.parent.child_by_field_name("function"))
        if imp is not None and imp.module == "@aws-sdk/s3-request-presigner":
            return "getSignedUrl"
        return ""

    def _from_call(self, node: Any) -> Iterator[SdkCall]:
        fn = _unwrap(node.child_by_field_name("function"))
        if fn is None:
            return
        args = self._args(node)
        if fn.type == "identifier":
            yield from self._from_function(fn, args)
        elif fn.type == "member_expression":
            prop = fn.child_by_field_name("property")
            if prop is None:
                return
            method = _text(prop)
            if method in ("send", "promise", "then", "catch", "on", "from"):
                return
            imp = self._imported(fn)  # ddb.paginateQuery(...) of a namespace import
            if imp is not None and not imp.module.startswith("."):  # not a file of the scan
                yield from self._from_function(prop, args, imp)
                return
            client = self.client_of(fn.child_by_field_name("object"))
            if client is not None:
                yield from self._from_method(client, method, args, self._where(prop))

    def _from_function(
        self, fn: Any, args: list[Any], imp: _Import | None = None
    ) -> Iterator[SdkCall]:
        imp = imp or self.imports.get(_text(fn))
        if imp is None:
            return
        where = self._where(fn)
        second = args[1] if len(args) > 1 else None
        service = service_of_package(imp.module)
        if service is not None and imp.name.startswith("waitUntil"):
            op = waiter_operation(service, imp.name.removeprefix("waitUntil"))
            if op is not None:
                yield SdkCall(service, op, where, self.params(second), "waiter")
        elif service is not None and imp.name.startswith("paginate"):
            op = operation_for(service, imp.name.removeprefix("paginate"))
            if op is not None:
                yield SdkCall(service, op, where, self.params(second), "paginator")
        elif imp.module == "@aws-sdk/lib-dynamodb" and imp.name in DOCUMENT_PAGINATORS:
            yield SdkCall(
                "dynamodb", DOCUMENT_PAGINATORS[imp.name], where, self.params(second), "paginator"
            )
        elif imp.module in POWERTOOLS_FUNCTIONS and imp.name in POWERTOOLS_FUNCTIONS[imp.module]:
            service, ops, member = POWERTOOLS_FUNCTIONS[imp.module][imp.name]
            yield from self._powertools(service, ops, member, args, where, imp.name, {})

    def _options(self, node: Any | None) -> dict[str, Value]:
        """The resource-naming Powertools options of an options object, as botocore members."""
        obj = self._object_of(node, 0) if node is not None else None
        out: dict[str, Value] = {}
        for option, member in POWERTOOLS_OPTIONS.items():
            given = self._member(obj, option) if obj is not None else None
            if given is not None:
                out[member] = self.value(given) or UNRESOLVED
        return out

    def _powertools(
        self,
        service: str,
        ops: tuple[str, ...],
        member: str,
        args: list[Any],
        where: Where,
        via: str,
        fixed: dict[str, Value],
    ) -> Iterator[SdkCall]:
        params = {**fixed, **self._options(args[1] if len(args) > 1 else None)}
        first = args[0] if args else None
        if member and first is not None:
            params[member] = self.value(first) or UNRESOLVED
        for op in ops:
            yield SdkCall(service, op, where, params, via)

    def _from_method(
        self, client: _Client, method: str, args: list[Any], where: Where
    ) -> Iterator[SdkCall]:
        first = args[0] if args else None
        if client.kind == "doc":
            op = DOCUMENT_OPERATIONS.get(method)
            if op is not None:
                yield SdkCall("dynamodb", op, where, self.params(first))
        elif client.kind == "provider":
            service, methods = POWERTOOLS_PROVIDERS[client.name]
            if method in methods:
                ops, member = methods[method]
                yield from self._powertools(
                    service, ops, member, args, where, client.name, dict(client.options)
                )
        elif client.kind == "agg":
            if client.service == "s3" and method == "upload":  # v2 ManagedUpload
                for op in UPLOAD_OPERATIONS:
                    yield SdkCall("s3", op, where, self.params(first), "upload")
                return
            if method == "waitFor" and first is not None:  # v2: ("tableExists", params)
                name = _string(_unwrap(first))
                op = waiter_operation(client.service, name) if name else None
                if op is not None:
                    second = args[1] if len(args) > 1 else None
                    yield SdkCall(client.service, op, where, self.params(second), "waiter")
                return
            if method == "getSignedUrl" and first is not None:  # v2: ("getObject", params)
                name = _string(_unwrap(first))
                op = operation_for(client.service, name) if name else None
                if op is not None:
                    second = args[1] if len(args) > 1 else None
                    yield SdkCall(client.service, op, where, self.params(second), "getSignedUrl")
                return
            op = operation_for(client.service, method)
            if op is not None:
                yield SdkCall(client.service, op, where, self.params(first))
