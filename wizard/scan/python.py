"""The Python reader: a handler's boto3 calls, read with :mod:`ast` (the code is never run).

A small abstract interpreter over one file. It follows what names hold — a client
(``boto3.client("s3")``, ``boto3.Session().client(...)``, ``resource.meta.client``), a service
resource and its objects (``Table``, ``Bucket``, ``Object``, ``Queue``, ``Topic``), a paginator
or waiter, a string (constants, module constants, f-strings with a constant start,
``os.environ[...]`` / ``os.getenv`` / ``os.environ.get``) — through module globals, function
locals, ``self`` attributes, ``with ... as`` and helper functions (a client or a name passed to
a function of the same file, or of another scanned file it imports, is followed into it, and
what a function returns is followed out; see :class:`Modules`).
Every call on a client or resource that names an operation of botocore's service model is one
:class:`~wizard.scan.calls.SdkCall`; the convenience methods (``upload_file``,
``batch_writer``...) become the operations ``catalogs/sdk-actions.yaml`` lists for them.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from wizard.errors import UserError
from wizard.limits import read_text
from wizard.scan.actions import conveniences
from wizard.scan.calls import UNRESOLVED, SdkCall, Value, Where
from wizard.scan.models import operation_for, waiter_operation
from wizard.scan.sources import MAX_SOURCE_BYTES

MAX_DEPTH = 4  # how deep helper functions are followed with their arguments


@dataclass(frozen=True)
class Client:
    service: str


@dataclass(frozen=True)
class ServiceResource:
    service: str


@dataclass(frozen=True)
class Session:
    pass


@dataclass(frozen=True)
class ResObj:
    """A boto3 resource object (``Table("Orders")``) and the request members it fills."""

    service: str
    type: str
    params: tuple[tuple[str, Value], ...] = ()


@dataclass(frozen=True)
class Pager:
    """A paginator or waiter: ``paginate()`` / ``wait()`` performs ``operation``."""

    service: str
    operation: str
    via: str
    params: tuple[tuple[str, Value], ...] = ()


@dataclass(frozen=True, eq=False)
class Module:
    """Another scanned module (``import clients``): its module-level names that hold a client,
    a resource or a string (:func:`module_names`), and its functions (``reader``'s)."""

    name: str
    names: dict[str, Any]
    reader: _Reader | None = None

    def member(self, name: str) -> Any:
        """What ``module.NAME`` holds: a module-level value, else one of its functions."""
        found = self.names.get(name)
        if found is None and self.reader is not None:
            fn = self.reader.functions.get(name)
            if fn is not None:
                return Foreign(self.reader, fn)
        return found


@dataclass(frozen=True, eq=False)
class Foreign:
    """A function of another scanned module (``from helpers import fetch``): called, it is
    walked in its own file with what the call passes, and what it returns is followed out."""

    reader: _Reader
    fn: _Function


@dataclass(frozen=True)
class Instance:
    """An instance of a class of this file (its ``self`` attributes are followed)."""

    cls: str


# boto3 resource constructors: (service, parent type, constructor) -> (new type, identifier
# members in order). Source: boto3's resource models (boto3/data/*/resources-1.json).
CONSTRUCTORS: dict[tuple[str, str, str], tuple[str, tuple[str, ...]]] = {
    ("dynamodb", "", "Table"): ("Table", ("TableName",)),
    ("s3", "", "Bucket"): ("Bucket", ("Bucket",)),
    ("s3", "", "Object"): ("Object", ("Bucket", "Key")),
    ("s3", "Bucket", "Object"): ("Object", ("Key",)),
    ("sqs", "", "Queue"): ("Queue", ("QueueUrl",)),
    ("sns", "", "Topic"): ("Topic", ("TopicArn",)),
}
# Resource actions whose name is not the operation's: (type, method) -> operation.
RESOURCE_ACTIONS: dict[tuple[str, str], str] = {
    ("Object", "get"): "GetObject",
    ("Object", "put"): "PutObject",
    ("Object", "delete"): "DeleteObject",
    ("Object", "load"): "HeadObject",
    ("Object", "reload"): "HeadObject",
    ("Object", "copy_from"): "CopyObject",
    ("Bucket", "delete_objects"): "DeleteObjects",
    ("Queue", "send_messages"): "SendMessageBatch",
    ("Queue", "receive_messages"): "ReceiveMessage",
    ("Queue", "delete_messages"): "DeleteMessageBatch",
    ("Queue", "purge"): "PurgeQueue",
    ("Queue", "load"): "GetQueueAttributes",
    ("Table", "load"): "DescribeTable",
}
# Collections (``bucket.objects.filter(Prefix=...)``): (type, attribute) -> the list operation.
COLLECTIONS: dict[tuple[str, str], str] = {
    ("Bucket", "objects"): "ListObjects",
    ("Bucket", "object_versions"): "ListObjectVersions",
    ("Bucket", "multipart_uploads"): "ListMultipartUploads",
}
COLLECTION_METHODS = frozenset({"all", "filter", "limit", "page_size", "pages", "delete"})
# The positional parameters of the convenience methods (boto3 docs, S3 transfer methods);
# on a resource the members it already holds are left out.
POSITIONAL: dict[str, tuple[str, ...]] = {
    "upload_file": ("Filename", "Bucket", "Key"),
    "upload_fileobj": ("Fileobj", "Bucket", "Key"),
    "download_file": ("Bucket", "Key", "Filename"),
    "download_fileobj": ("Bucket", "Key", "Fileobj"),
    "copy": ("CopySource", "Bucket", "Key"),
}
# Powertools for AWS Lambda (Python): the helpers that call AWS and the operation each makes,
# with the request member their first argument fills. Source: Powertools docs, Parameters
# ("IAM Permissions") and Idempotency ("IAM Permissions"):
# https://docs.powertools.aws.dev/lambda/python/latest/utilities/parameters/
# https://docs.powertools.aws.dev/lambda/python/latest/utilities/idempotency/
POWERTOOLS: dict[str, tuple[str, tuple[str, ...], str, str]] = {
    "parameters.get_parameter": ("ssm", ("GetParameter",), "Name", "name"),
    "parameters.get_parameters": ("ssm", ("GetParametersByPath",), "Path", "path"),
    "parameters.get_secret": ("secretsmanager", ("GetSecretValue",), "SecretId", "name"),
    "idempotency.DynamoDBPersistenceLayer": (
        "dynamodb",
        ("GetItem", "PutItem", "UpdateItem", "DeleteItem"),
        "TableName",
        "table_name",
    ),
}
POWERTOOLS_ROOT = "aws_lambda_powertools.utilities."


@dataclass
class _Function:
    node: ast.FunctionDef | ast.AsyncFunctionDef
    cls: str | None = None  # the class a method belongs to
    outer: _Scope | None = None


@dataclass
class _Scope:
    names: dict[str, Any] = field(default_factory=dict)
    parent: _Scope | None = None
    cls: str | None = None

    def lookup(self, name: str) -> Any:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None


class _Reader:
    def __init__(self, path: str, modules: Modules | None = None) -> None:
        self.path = path
        self.modules = modules
        self.imports: dict[str, str] = {}  # local name -> dotted origin
        self.module = _Scope()
        self.functions: dict[str, _Function] = {}
        self.classes: dict[str, dict[str, _Function]] = {}
        self.class_attrs: dict[str, dict[str, Any]] = {}
        self.calls: list[SdkCall] = []
        self.visited: set[tuple[int, tuple[Any, ...]]] = set()
        self.returns: dict[tuple[int, tuple[Any, ...]], Any] = {}
        self.stmt_calls: dict[int, list[ast.Call]] = {}  # a statement's own calls, by id
        self.lazy = False  # stmt_calls filled per function walked (a module's, not read())
        self.indexed: set[int] = set()  # those functions

    # ----------------------------------------------------------------- the file's shape

    def read(self, tree: ast.Module) -> list[SdkCall]:
        self.stmt_calls = _calls_by_statement(tree)
        for node in tree.body:
            self._collect(node, self.module)
        for cls, methods in self.classes.items():  # self attributes, from every method
            attrs = self.class_attrs.setdefault(cls, {})
            for fn in methods.values():
                scope = _Scope(parent=self.module, cls=cls)
                for stmt in ast.walk(fn.node):
                    if isinstance(stmt, ast.Assign):
                        value = self.ev(stmt.value, scope)
                        for target in stmt.targets:
                            if _is_self_attr(target) and value is not None:
                                attrs.setdefault(target.attr, value)  # type: ignore[union-attr]
                            elif isinstance(target, ast.Name) and value is not None:
                                scope.names[target.id] = value
        self._block(tree.body, self.module, 0)
        for fn in [*self.functions.values()] + [
            m for methods in self.classes.values() for m in methods.values()
        ]:
            self._visit(fn, {}, 0)
        return _unique(self.calls)

    def module_names(self, tree: ast.Module) -> dict[str, Any]:
        """The module-level names of ``tree`` that hold something the scan follows."""
        self.lazy = True  # its functions are walked only when another file calls them
        for node in tree.body:
            self._collect(node, self.module)
        return {k: v for k, v in self.module.names.items() if v is not None}

    def _collect(self, node: ast.stmt, scope: _Scope) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.imports[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
                if alias.asname and self.modules is not None:  # import lib.clients as c
                    found = self.modules.find(alias.name, self.path, 0)
                    if found is not None:
                        scope.names[alias.asname] = found
                elif self.modules is not None:  # import clients: clients.table
                    found = self.modules.find(alias.name, self.path, 0)
                    if found is not None and "." not in alias.name:
                        scope.names[alias.name] = found
        elif isinstance(node, ast.ImportFrom) and (node.module or node.level):
            for alias in node.names:
                if node.module:
                    self.imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                if self.modules is None:
                    continue
                # from clients import table / from . import clients / from .lib import c
                origin = self.modules.find(node.module or "", self.path, node.level)
                value = origin.member(alias.name) if origin is not None else None
                if value is None:
                    dotted = f"{node.module}.{alias.name}" if node.module else alias.name
                    value = self.modules.find(dotted, self.path, node.level)
                if value is not None:
                    scope.names[alias.asname or alias.name] = value
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.functions[node.name] = _Function(node, outer=scope)
        elif isinstance(node, ast.ClassDef):
            methods = self.classes.setdefault(node.name, {})
            attrs = self.class_attrs.setdefault(node.name, {})
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    methods[item.name] = _Function(item, cls=node.name, outer=scope)
                elif isinstance(item, ast.Assign):
                    value = self.ev(item.value, scope)
                    for target in item.targets:
                        if isinstance(target, ast.Name) and value is not None:
                            attrs[target.id] = value
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            self._assign(node, scope)
        elif isinstance(node, (ast.If, ast.Try)):
            for child in [
                *node.body,
                *getattr(node, "orelse", []),
                *getattr(node, "finalbody", []),
            ]:
                self._collect(child, scope)
            for handler in getattr(node, "handlers", []):
                for child in handler.body:
                    self._collect(child, scope)

    def _assign(self, node: ast.Assign | ast.AnnAssign, scope: _Scope) -> None:
        value = self.ev(node.value, scope) if node.value is not None else None
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Name) and (value is not None or target.id not in scope.names):
                scope.names[target.id] = value

    # ----------------------------------------------------------------- walking code

    def _visit(self, fn: _Function, bindings: dict[str, Any], depth: int) -> Any:
        """Walk a function with its parameters bound; what it returns."""
        key = (id(fn.node), tuple(sorted(bindings.items(), key=lambda kv: kv[0])))
        if key in self.visited:
            return self.returns.get(key)
        self.visited.add(key)
        if self.lazy and id(fn.node) not in self.indexed:
            self.indexed.add(id(fn.node))
            self.stmt_calls.update(_calls_by_statement(fn.node))
        scope = _Scope(dict(bindings), parent=fn.outer or self.module, cls=fn.cls)
        args = fn.node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            scope.names.setdefault(arg.arg, None)
        if fn.cls is not None and (args.posonlyargs or args.args):
            scope.names[(args.posonlyargs or args.args)[0].arg] = Instance(fn.cls)
        result = self._block(fn.node.body, scope, depth)
        self.returns[key] = result
        return result

    def _block(self, body: list[ast.stmt], scope: _Scope, depth: int) -> Any:
        returned = None
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if scope is not self.module:
                    self._visit(_Function(stmt, outer=scope), {}, depth)
                continue
            if isinstance(stmt, ast.ClassDef):
                continue
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                self._assign(stmt, scope)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                for item in stmt.items:
                    if isinstance(item.optional_vars, ast.Name):
                        scope.names[item.optional_vars.id] = self.ev(item.context_expr, scope)
            elif isinstance(stmt, (ast.For, ast.AsyncFor)) and isinstance(stmt.target, ast.Name):
                scope.names.setdefault(stmt.target.id, None)
            for call in self.stmt_calls.get(id(stmt), ()):
                value = self._call(call, scope, depth)
                if value is not None and isinstance(stmt, ast.Return) and stmt.value is call:
                    returned = returned or value
            if isinstance(stmt, ast.Return) and stmt.value is not None and returned is None:
                returned = self.ev(stmt.value, scope)
            for child in _child_blocks(stmt):
                inner = self._block(child, scope, depth)
                returned = returned or inner
        return returned

    def _call(self, call: ast.Call, scope: _Scope, depth: int) -> Any:
        """Record the SDK operations ``call`` performs; follow it into helper functions."""
        func = call.func
        where = Where(self.path, call.lineno)
        qual = self.qualname(func)
        if qual is not None:
            for suffix, (service, operations, member, keyword) in POWERTOOLS.items():
                if qual == POWERTOOLS_ROOT + suffix:
                    value = self._arg(call, 0, keyword, scope)
                    for op in operations:
                        self._emit(service, op, where, {member: value}, via="powertools")
                    return None
        if isinstance(func, ast.Name):
            fn = self.functions.get(func.id)
            if fn is not None and depth < MAX_DEPTH:
                return self._visit(fn, self._bind(fn, call, scope), depth + 1)
            if func.id in self.classes and depth < MAX_DEPTH:
                init = self.classes[func.id].get("__init__")
                if init is not None:
                    self._visit(init, self._bind(init, call, scope, skip=1), depth + 1)
                return None
            foreign = scope.lookup(func.id)
            if isinstance(foreign, Foreign) and depth < MAX_DEPTH:
                return self._enter(foreign, call, scope, depth + 1)
            return None
        if not isinstance(func, ast.Attribute):
            return None
        method = func.attr
        receiver = self.ev(func.value, scope)
        if isinstance(receiver, Module) and depth < MAX_DEPTH:
            foreign = receiver.member(method)
            if isinstance(foreign, Foreign):
                return self._enter(foreign, call, scope, depth + 1)
        if isinstance(receiver, Instance) and depth < MAX_DEPTH:
            fn = self.classes.get(receiver.cls, {}).get(method)
            if fn is not None:
                return self._visit(fn, self._bind(fn, call, scope, skip=1), depth + 1)
            return None
        if isinstance(receiver, Pager) and method in ("paginate", "wait"):
            params = dict(receiver.params) | self._kwargs(call, scope)
            self._emit(receiver.service, receiver.operation, where, params, via=receiver.via)
        elif isinstance(receiver, Client):
            self._client_call(receiver.service, method, call, scope, where, {})
        elif isinstance(receiver, ServiceResource) and method == "get_queue_by_name":
            self._emit("sqs", "GetQueueUrl", where, self._kwargs(call, scope))
        elif isinstance(receiver, ResObj):
            params = dict(receiver.params)
            op = RESOURCE_ACTIONS.get((receiver.type, method))
            if op is not None:
                self._emit(receiver.service, op, where, params | self._kwargs(call, scope))
            elif (receiver.service, receiver.type, method) not in CONSTRUCTORS:
                self._client_call(receiver.service, method, call, scope, where, params)
        elif isinstance(receiver, Pager) and method in COLLECTION_METHODS:
            params = dict(receiver.params) | self._kwargs(call, scope)
            self._emit(receiver.service, receiver.operation, where, params, via="collection")
        return None

    def _enter(self, foreign: Foreign, call: ast.Call, scope: _Scope, depth: int) -> Any:
        """Walk a function of another module with what ``call`` passes: its calls are
        recorded here (at their place in its file), with this walk's memo; what it returns."""
        other, fn = foreign.reader, foreign.fn
        if self.modules is not None:
            self.modules.crossed = True
        bindings = self._bind(fn, call, scope)
        saved = other.calls, other.visited, other.returns
        other.calls, other.visited, other.returns = self.calls, self.visited, self.returns
        try:
            return other._visit(fn, bindings, depth)
        finally:
            other.calls, other.visited, other.returns = saved

    def _client_call(
        self,
        service: str,
        method: str,
        call: ast.Call,
        scope: _Scope,
        where: Where,
        held: dict[str, Value],
    ) -> None:
        extras = conveniences(service)
        if method in extras:
            names = [n for n in POSITIONAL.get(method, ()) if n not in held]
            params = held | self._kwargs(call, scope)
            for index, arg in enumerate(call.args[: len(names)]):
                params[names[index]] = self._value(arg, scope)
            source = self._copy_source(call, params, scope) if method == "copy" else None
            if source:
                self._emit(service, "GetObject", where, source, via=method)
            for op in extras[method]:
                self._emit(service, op, where, params, via=method)
            return
        if method == "generate_presigned_url":  # the URL is signed with the role's credentials
            name = self._arg(call, 0, "ClientMethod", scope)
            op = operation_for(service, name.text or "") if name.resolved else None
            params_node = next((k.value for k in call.keywords if k.arg == "Params"), None)
            params = dict(self._nested(params_node, scope)) if params_node is not None else {}
            if op:
                self._emit(service, op, where, params, via="presigned url")
            return
        if method in ("get_paginator", "get_waiter"):
            return  # their operations are recorded where they are used
        op = operation_for(service, method)
        if op is None:
            return
        params = held | self._kwargs(call, scope)
        if op in ("CopyObject", "UploadPartCopy"):
            source = self._copy_source(call, params, scope)
            if source:
                self._emit(service, "GetObject", where, source, via="copy source")
        self._emit(service, op, where, params)

    def _copy_source(
        self, call: ast.Call, params: dict[str, Value], scope: _Scope
    ) -> dict[str, Value] | None:
        """The source object of a copy, as GetObject's members, when it is a dict literal."""
        node = next((k.value for k in call.keywords if k.arg == "CopySource"), None)
        if node is None and call.args:
            node = call.args[0]
        if isinstance(node, ast.Dict):
            return {
                k.value: self._value(v, scope)
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant) and k.value in ("Bucket", "Key")
            }
        return {"Bucket": UNRESOLVED, "Key": UNRESOLVED}

    def _emit(
        self, service: str, operation: str, where: Where, params: dict[str, Value], via: str = ""
    ) -> None:
        self.calls.append(SdkCall(service, operation, where, dict(params), via))

    def _bind(self, fn: _Function, call: ast.Call, scope: _Scope, skip: int = 0) -> dict[str, Any]:
        """A helper's parameters bound to what the call passes (only what can be followed)."""
        args = fn.node.args
        names = [a.arg for a in [*args.posonlyargs, *args.args]][skip:]
        bound: dict[str, Any] = {}
        for name, arg in zip(names, call.args, strict=False):
            bound[name] = self.ev(arg, scope)
        for kw in call.keywords:
            if kw.arg is not None:
                bound[kw.arg] = self.ev(kw.value, scope)
        return {k: v for k, v in bound.items() if v is not None}

    # ----------------------------------------------------------------- values

    def qualname(self, node: ast.expr) -> str | None:
        """``boto3.client`` for ``boto3.client`` or ``from boto3 import client``."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id not in self.imports:
            return None
        return ".".join([self.imports[node.id], *reversed(parts)])

    def _kwargs(self, call: ast.Call, scope: _Scope) -> dict[str, Value]:
        params: dict[str, Value] = {}
        for kw in call.keywords:
            if kw.arg is None:
                continue
            params[kw.arg] = self._value(kw.value, scope)
            for key, value in self._nested(kw.value, scope):  # Entries=[{"EventBusName": ...}]
                params.setdefault(key, value)
        return params

    def _nested(self, node: ast.expr, scope: _Scope) -> Iterator[tuple[str, Value]]:
        items = node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node]
        for item in items:
            if isinstance(item, ast.Dict):
                for k, v in zip(item.keys, item.values, strict=True):
                    if isinstance(k, ast.Constant) and isinstance(k.value, str):
                        value = self._value(v, scope)
                        if value is not UNRESOLVED:
                            yield k.value, value

    def _arg(self, call: ast.Call, index: int, keyword: str, scope: _Scope) -> Value:
        for kw in call.keywords:
            if kw.arg == keyword:
                return self._value(kw.value, scope)
        return self._value(call.args[index], scope) if len(call.args) > index else UNRESOLVED

    def _value(self, node: ast.expr, scope: _Scope) -> Value:
        value = self.ev(node, scope)
        return value if isinstance(value, Value) else UNRESOLVED

    def ev(self, node: ast.expr | None, scope: _Scope) -> Any:
        """What ``node`` holds, as far as it can be read: a :class:`Value`, an SDK object, or
        None. Never records a call."""
        if node is None:
            return None
        if isinstance(node, ast.Constant):
            return Value(text=node.value) if isinstance(node.value, str) else None
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node, scope)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.ev(node.left, scope), self.ev(node.right, scope)
            if isinstance(left, Value) and left.text is not None and not left.prefix:
                if isinstance(right, Value) and right.resolved:
                    return Value(text=left.text + right.text)  # type: ignore[operator]
                return Value(text=left.text, prefix=True)
            return None
        if isinstance(node, ast.Name):
            return scope.lookup(node.id)
        if isinstance(node, ast.Attribute):
            return self._attribute(node, scope)
        if isinstance(node, ast.Subscript):
            if self.qualname(node.value) == "os.environ":
                key = self.ev(node.slice, scope)
                if isinstance(key, Value) and key.resolved:
                    return Value(env=key.text)
            return None
        if isinstance(node, ast.Call):
            return self._call_value(node, scope)
        if isinstance(node, ast.Await):
            return self.ev(node.value, scope)
        return None

    def _fstring(self, node: ast.JoinedStr, scope: _Scope) -> Value:
        text = ""
        for part in node.values:
            if isinstance(part, ast.Constant):
                text += str(part.value)
                continue
            inner = self.ev(part.value, scope) if isinstance(part, ast.FormattedValue) else None
            if (
                isinstance(inner, Value)
                and inner.resolved
                and isinstance(part, ast.FormattedValue)
                and part.format_spec is None
                and part.conversion == -1
            ):
                text += inner.text  # type: ignore[operator]
                continue
            if isinstance(inner, Value) and inner.text is not None and inner.prefix:
                text += inner.text
            return Value(text=text, prefix=True) if text else UNRESOLVED
        return Value(text=text)

    def _attribute(self, node: ast.Attribute, scope: _Scope) -> Any:
        if _is_self_attr(node) and scope.cls is not None:
            found = scope.lookup(node.value.id)  # type: ignore[union-attr]
            if isinstance(found, Instance):
                return self.class_attrs.get(found.cls, {}).get(node.attr)
        base = self.ev(node.value, scope)
        if isinstance(base, Module):
            return base.member(node.attr)
        if isinstance(base, Instance):
            return self.class_attrs.get(base.cls, {}).get(node.attr)
        if isinstance(base, ResObj):
            op = COLLECTIONS.get((base.type, node.attr))
            if op is not None:
                return Pager(base.service, op, "collection", base.params)
        meta = node.value
        if node.attr == "client" and isinstance(meta, ast.Attribute) and meta.attr == "meta":
            owner = self.ev(meta.value, scope)  # resource.meta.client
            if isinstance(owner, (ServiceResource, ResObj)):
                return Client(owner.service)
        return None

    def _call_value(self, node: ast.Call, scope: _Scope) -> Any:
        func = node.func
        qual = self.qualname(func)
        if qual in ("os.getenv", "os.environ.get"):
            key = self._arg(node, 0, "key", scope)
            return Value(env=key.text) if key.resolved else UNRESOLVED
        if qual == "boto3.client":
            return self._service(node, scope, Client)
        if qual == "boto3.resource":
            return self._service(node, scope, ServiceResource)
        if qual in ("boto3.Session", "boto3.session.Session"):
            return Session()
        if isinstance(func, ast.Name) and func.id in self.functions:
            fn = self.functions[func.id]
            return self._visit(fn, self._bind(fn, node, scope), MAX_DEPTH - 1)
        if isinstance(func, ast.Name) and func.id in self.classes:
            return Instance(func.id)
        if isinstance(func, ast.Name):
            foreign = scope.lookup(func.id)
            if isinstance(foreign, Foreign):
                return self._enter(foreign, node, scope, MAX_DEPTH - 1)
        if not isinstance(func, ast.Attribute):
            return None
        receiver = self.ev(func.value, scope)
        method = func.attr
        if isinstance(receiver, Module):
            foreign = receiver.member(method)
            if isinstance(foreign, Foreign):
                return self._enter(foreign, node, scope, MAX_DEPTH - 1)
        if isinstance(receiver, Session):
            if method == "client":
                return self._service(node, scope, Client)
            if method == "resource":
                return self._service(node, scope, ServiceResource)
        if isinstance(receiver, Client):
            return self._client_value(receiver.service, method, node, scope)
        if isinstance(receiver, (ServiceResource, ResObj)):
            parent = receiver.type if isinstance(receiver, ResObj) else ""
            made = CONSTRUCTORS.get((receiver.service, parent, method))
            if made is not None:
                held = dict(receiver.params) if isinstance(receiver, ResObj) else {}
                for name, arg in zip(made[1], node.args, strict=False):
                    held[name] = self._value(arg, scope)
                for kw in node.keywords:
                    if kw.arg is not None:
                        held[_member(kw.arg)] = self._value(kw.value, scope)
                return ResObj(receiver.service, made[0], tuple(held.items()))
            if method == "get_queue_by_name":
                return ResObj("sqs", "Queue", tuple(self._kwargs(node, scope).items()))
            if method == "batch_writer" and isinstance(receiver, ResObj):
                return None
        if isinstance(receiver, Pager) and method in COLLECTION_METHODS:
            params = dict(receiver.params) | self._kwargs(node, scope)
            return Pager(receiver.service, receiver.operation, receiver.via, tuple(params.items()))
        if isinstance(receiver, Instance):
            fn = self.classes.get(receiver.cls, {}).get(method)
            if fn is not None:
                return self._visit(fn, self._bind(fn, node, scope, skip=1), MAX_DEPTH - 1)
        return None

    def _client_value(self, service: str, method: str, node: ast.Call, scope: _Scope) -> Any:
        if method == "get_paginator":
            name = self._arg(node, 0, "operation_name", scope)
            op = operation_for(service, name.text or "") if name.resolved else None
            return Pager(service, op, "paginator") if op else None
        if method == "get_waiter":
            name = self._arg(node, 0, "waiter_name", scope)
            op = waiter_operation(service, name.text or "") if name.resolved else None
            return Pager(service, op, "waiter") if op else None
        return None

    def _service(self, node: ast.Call, scope: _Scope, make: type) -> Any:
        name = self._arg(node, 0, "service_name", scope)
        return make(name.text) if name.resolved else None


def _member(keyword: str) -> str:
    """A resource constructor's keyword (``name``, ``bucket_name``) as the request member."""
    return {
        "name": "TableName",
        "bucket_name": "Bucket",
        "key": "Key",
        "url": "QueueUrl",
        "arn": "TopicArn",
    }.get(keyword, keyword)


def _is_self_attr(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in ("self", "cls")
    )


def _calls_by_statement(tree: ast.Module) -> dict[int, list[ast.Call]]:
    """Each statement's own calls (not those of the blocks it holds), by the statement's id,
    in source order: one pass over the tree."""
    found: dict[int, list[ast.Call]] = {}
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, owner = stack.pop()
        if isinstance(node, ast.stmt):
            owner = id(node)
        elif isinstance(node, ast.Call):
            found.setdefault(owner, []).append(node)
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                stack.append((value, owner))
            elif isinstance(value, list):
                stack.extend((v, owner) for v in value if isinstance(v, ast.AST))
    for calls in found.values():
        calls.sort(key=lambda c: (c.lineno, c.col_offset))
    return found


def _child_blocks(stmt: ast.stmt) -> Iterator[list[ast.stmt]]:
    for name in ("body", "orelse", "finalbody"):
        block = getattr(stmt, name, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            yield block
    for handler in getattr(stmt, "handlers", ()):
        yield handler.body
    for case in getattr(stmt, "cases", ()):
        yield case.body


def _unique(calls: list[SdkCall]) -> list[SdkCall]:
    """The calls without repeats (:func:`distinct`), in the order of their files and lines (a
    helper of another file walked from this one reports its calls at their place there)."""
    out = distinct(calls)
    out.sort(key=lambda c: (c.where.file, c.where.line, c.service, c.operation))
    return out


def distinct(calls: list[SdkCall]) -> list[SdkCall]:
    """The calls without repeats: a helper walked both on its own and with its arguments
    reports the same call twice, once knowing less; the one knowing less is dropped (so is
    the second of two equal ones). Grouped by place, operation and way."""
    groups: dict[tuple[Any, ...], list[SdkCall]] = {}
    for call in calls:
        group = groups.setdefault((call.service, call.operation, call.where, call.via), [])
        if call not in group:
            group.append(call)
    return [
        call
        for group in groups.values()
        for call in group
        if not any(_knows_more(other, call) for other in group if other is not call)
    ]


def _known(call: SdkCall) -> dict[str, Value]:
    return {k: v for k, v in call.params.items() if v != UNRESOLVED}


def _knows_more(a: SdkCall, b: SdkCall) -> bool:
    """Whether ``a`` knows all ``b`` knows of the request, and more."""
    known_a, known_b = _known(a), _known(b)
    return len(known_a) > len(known_b) and all(known_a.get(k) == v for k, v in known_b.items())


_IMPORTS = re.compile(r"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import|import[ \t]+([\w.]+))", re.M)


class Modules:
    """The Python files of one scan, as modules one another can import: a client, resource
    or name made at module level in one file (``clients.py: table =
    boto3.resource("dynamodb").Table(os.environ["TABLE"])``) is followed into the files that
    import it (``from clients import table``, ``import clients; clients.table``, ``from . import
    clients``). A module is named by its path below the folder scanned (``lib/clients.py``:
    ``lib.clients``); ``import X`` finds, in order, ``X.py`` beside the importing file (Lambda
    puts the handler's folder on the path), the module named ``X``, and the one module whose
    name ends in ``.X``. A module is read for its names once, when first imported; its
    functions are walked from the importing file's calls of them (:class:`Foreign`), with what
    each call passes, so their calls are reported in their own file once per different request
    (:attr:`crossed` tells the scan to drop the repeats, :func:`distinct`)."""

    def __init__(self, files: list[tuple[str, str]]) -> None:
        """``files``: (path, the folder it was found under) of each Python file."""
        self.paths: dict[str, str] = {}  # normalised path -> the path as given
        self.dotted: dict[str, list[str]] = {}  # module name -> normalised paths
        self.packages: set[str] = set()  # the folders above them, as names (lib)
        roots: dict[str, str] = {}
        for path, root in files:
            norm = os.path.abspath(path)
            self.paths[norm] = path
            top = roots.get(root) or roots.setdefault(root, os.path.abspath(root) + os.sep)
            rel = norm[len(top) :] if norm.startswith(top) else os.path.basename(norm)
            parts = rel[: -len(".py")].split(os.sep)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            for start in range(len(parts)):  # every suffix: lib.clients and clients
                self.dotted.setdefault(".".join(parts[start:]), []).append(norm)
                self.packages.update(
                    ".".join(parts[start:end]) for end in range(start + 1, len(parts))
                )
        self.exports: dict[str, Module | None] = {}
        self.crossed = False  # a file's walk entered a function of another (see distinct())

    def tree(self, path: str) -> ast.Module | None:
        """``path`` parsed; None when it cannot be read or parsed."""
        try:
            text, _ = read_text(self.paths.get(path, path), "source file", MAX_SOURCE_BYTES)
            return _parse(text, path)
        except UserError:
            return None

    def imports_any(self, text: str) -> bool:
        """Whether ``text`` imports a module of this scan (a cheap look before parsing)."""
        for relative, plain in _IMPORTS.findall(text):
            name = (plain or relative).lstrip(".")
            if (relative.startswith(".") and not plain) or name in self.dotted:
                return True
            if name in self.packages or name.split(".")[-1] in self.dotted:
                return True
        return False

    def find(self, name: str, importer: str, level: int) -> Module | None:
        """The module ``name`` as ``importer`` imports it (``level`` leading dots)."""
        if not level and name not in self.dotted and name.rpartition(".")[2] not in self.dotted:
            return None  # json, os, boto3: no file of the scan (the usual case, made quick)
        base = os.path.dirname(os.path.abspath(importer))
        for _ in range(max(level - 1, 0)):
            base = os.path.dirname(base)
        parts = [p for p in name.split(".") if p]
        near = os.path.join(base, *parts)
        for candidate in (near + ".py", os.path.join(near, "__init__.py")):
            if candidate in self.paths:
                return self._module(candidate, name)
        if level:
            return None
        found = self.dotted.get(name, [])
        return self._module(found[0], name) if len(found) == 1 else None

    def _module(self, norm: str, name: str) -> Module | None:
        if norm not in self.exports:
            self.exports[norm] = None  # an import cycle reads as nothing
            tree = self.tree(norm)
            if tree is not None:
                reader = _Reader(self.paths[norm], self)
                try:
                    names = reader.module_names(tree)
                except RecursionError:
                    names = {}
                self.exports[norm] = Module(name, names, reader)
        return self.exports[norm]


def _parse(text: str, path: str) -> ast.Module:
    try:
        return ast.parse(text, filename=path)
    except SyntaxError as exc:
        raise UserError(f"not valid Python: {exc.msg}", where=f"{path}:{exc.lineno or 1}") from None
    except ValueError as exc:  # NUL bytes
        raise UserError(f"not valid Python: {exc}", where=path) from None
    except (RecursionError, MemoryError):
        raise UserError("too deeply nested for the scan to read", where=path) from None


def extract_python(text: str, path: str, modules: Modules | None = None) -> list[SdkCall]:
    """The AWS SDK calls of the Python source ``text`` (from the file ``path``); ``modules``:
    the other files of the scan, whose module-level clients and names this file may import.
    Code that is not valid Python is a :class:`UserError` naming the file and line."""
    makes = "boto3" in text or "aws_lambda_powertools" in text
    if not makes and (modules is None or not modules.imports_any(text)):
        return []  # nothing here makes a client or imports one from the scanned files
    tree = _parse(text, path)  # not kept in ``modules``: every file's tree held slows the GC
    try:
        return _Reader(path, modules).read(tree)
    except RecursionError:  # an expression nested thousands deep (a + b + ... generated code)
        raise UserError("too deeply nested for the scan to read", where=path) from None
