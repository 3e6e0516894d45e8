"""Walking handler code: which files a scan reads, and reading each with its language's reader.

Folders are walked recursively, leaving out vendored, generated and test code by default
(:data:`SKIPPED_FOLDERS`, and test files by name: ``test_*.py``, ``*_test.py``,
``*.test.js``, ``*.spec.ts``...); ``include_tests`` keeps the test folders and files. A file
named on the command line is always read. A file a reader cannot use (not valid Python, too
big, not UTF-8) is reported as skipped with its place, and the scan goes on.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from wizard.errors import UserError
from wizard.limits import read_text
from wizard.scan.calls import SdkCall

SKIPPED_FOLDERS = frozenset(
    {
        "node_modules",
        ".venv",
        "venv",
        "site-packages",
        "__pycache__",
        "dist",
        "build",
        ".aws-sam",
        "cdk.out",
        ".git",
    }
)
TEST_FOLDERS = frozenset({"tests", "test", "__tests__"})
TEST_FILE = re.compile(r"^(test_.*\.py|.*_test\.py|.*\.(test|spec)\.[cm]?[jt]sx?)$")
PYTHON = frozenset({".py"})
JAVASCRIPT = frozenset({".js", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts"})
MAX_SOURCE_BYTES = 2 * 1024 * 1024  # a handler file; larger ones are bundles, not handlers


@dataclass
class SourceScan:
    """What a scan read: the calls found, the files read and those skipped (with why)."""

    calls: list[SdkCall] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, why)
    lines: int = 0


def source_files(paths: list[str], include_tests: bool = False) -> list[str]:
    """The code files under ``paths`` (files as given, folders walked), in a stable order."""
    return [path for path, _root in _walk(paths, include_tests)]


def _walk(paths: list[str], include_tests: bool) -> list[tuple[str, str]]:
    """Each code file under ``paths`` and the folder it was found under (a file's own)."""
    skip = SKIPPED_FOLDERS if include_tests else SKIPPED_FOLDERS | TEST_FOLDERS
    found: list[tuple[str, str]] = []
    for given in paths:
        path = Path(given)
        if path.is_file():
            found.append((given, os.path.dirname(given) or "."))
            continue
        if not path.is_dir():
            raise UserError("no such file or folder to scan", where=given)
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in skip)
            for name in sorted(files):
                suffix = os.path.splitext(name)[1]
                if suffix not in PYTHON and suffix not in JAVASCRIPT:
                    continue
                if not include_tests and TEST_FILE.match(name):
                    continue
                found.append((os.path.join(root, name), given))
    return found


def scan_sources(paths: list[str], include_tests: bool = False) -> SourceScan:
    """Read every code file under ``paths`` with its language's reader."""
    out = SourceScan()
    files = _walk(paths, include_tests)
    modules = None  # the Python files as modules one another imports (built on first use)
    js_modules = None  # and the JavaScript/TypeScript ones
    python_calls: list[SdkCall] = []
    for path, _root in files:
        suffix = os.path.splitext(path)[1]
        notes: list[str] = []  # the JavaScript reader's "FILE:LINE: skipped: why" lines
        if suffix in JAVASCRIPT:
            try:
                from wizard.scan import javascript  # noqa: PLC0415 - optional reader
            except ImportError:
                out.skipped.append((path, "no JavaScript/TypeScript reader in this version"))
                continue
            if js_modules is None:
                js_modules = javascript.JsModules(
                    [p for p, _ in files if os.path.splitext(p)[1] in JAVASCRIPT]
                )
            reader = functools.partial(
                javascript.extract_javascript, notes=notes, modules=js_modules
            )
        elif suffix in PYTHON:
            from wizard.scan.python import Modules, extract_python

            if modules is None:
                modules = Modules([(p, r) for p, r in files if os.path.splitext(p)[1] in PYTHON])
            reader = functools.partial(extract_python, modules=modules)
        else:
            out.skipped.append((path, "not Python, JavaScript or TypeScript"))
            continue
        try:
            text, _ = read_text(path, "source file", MAX_SOURCE_BYTES)
            calls = reader(text, path)
        except UserError as exc:
            out.skipped.append((exc.where or path, exc.detail))
            continue
        for note in notes:
            where, _, detail = note.partition(": ")
            out.skipped.append((where, detail))
        out.files.append(path)
        out.lines += text.count("\n") + 1
        out.calls.extend(calls)
        if suffix in PYTHON:
            python_calls.extend(calls)
    if modules is not None and modules.crossed:
        # a helper of one file walked from another with its arguments reports its calls there
        # too, and may be walked from several files: each call once, knowing the most
        from wizard.scan.python import distinct

        kept = {id(c) for c in distinct(python_calls)}
        python = {id(c) for c in python_calls}
        out.calls = [c for c in out.calls if id(c) in kept or id(c) not in python]
    return out
