"""``role-wizard validate``: lint policy documents and ``build`` bundles."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from wizard.text import count

FORMATS = ("text", "json", "sarif")
FAIL_ON = ("error", "warning", "never")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="lint policy documents and build bundles",
        description=(
            "Lint IAM policy documents, or role bundles written by `build` (then the trust "
            "policy, inline policies, boundary and deployer policy are checked together). "
            "Exit status: 1 when a finding at or above --fail-on exists, 2 on unusable input."
        ),
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="policy document or bundle (JSON)")
    p.add_argument(
        "--boundary",
        metavar="FILE",
        help="permissions boundary to check identity policies against (for a bundle: "
        "instead of its own)",
    )
    p.add_argument(
        "--type",
        choices=("identity", "trust", "boundary"),
        help="what a policy document is (default: trust when it names a Principal, else "
        "identity); bundles say it themselves",
    )
    p.add_argument("--format", "-f", choices=FORMATS, default="text")
    p.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="error",
        help="exit 1 when a finding of this severity or worse exists (default: error)",
    )
    p.set_defaults(handler=cmd_validate)


def cmd_validate(args: argparse.Namespace) -> int:
    from wizard.errors import UserError
    from wizard.policy.documents import load_policy_source, load_policy_sources
    from wizard.policy.lint import fails, lint_source

    sources = [source for path in args.files for source in load_policy_sources(path, args.type)]
    boundary = None
    findings = []
    if args.boundary:
        boundary = load_policy_source(args.boundary, "boundary")
        if boundary.is_bundle:
            if boundary.boundary is None:
                raise UserError("this bundle has no boundary document", where=boundary.file)
            findings.extend(f for f in boundary.findings)
        else:
            findings.extend(lint_source(boundary))
        if not boundary.usable:
            boundary = None
    for source in sources + ([boundary] if boundary is not None else []):
        for note in source.notes:
            print(f"note: {note}", file=sys.stderr)
    for source in sources:
        findings.extend(lint_source(source, boundary))
    order = {s.file: i for i, s in enumerate(sources)}
    findings.sort(key=lambda f: (order.get(f.file, -1), _pointer_key(f.pointer)))
    files = [s.file for s in sources] + ([args.boundary] if args.boundary else [])
    if args.format == "json":
        out = findings_json([f.to_dict() for f in findings]) + "\n"
    elif args.format == "sarif":
        out = json.dumps(sarif_log(findings), indent=2) + "\n"
    else:
        out = text_report(findings, len(files), color=_use_color())
    sys.stdout.write(out)
    return 1 if fails(findings, args.fail_on) else 0


def findings_json(items: list[dict[str, Any]]) -> str:
    """``json.dumps(items, indent=2)``, the same text, for a list of flat dicts of strings (the
    findings), by the C string encoder: the indenting encoder is pure Python, and a 1 MiB
    policy's tens of thousands of findings took it most of a second. Any other value: the
    standard encoder."""
    if not all(type(item) is dict and item for item in items) or not all(
        type(k) is str and type(v) is str for item in items for k, v in item.items()
    ):
        return json.dumps(items, indent=2)
    enc = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]
    if not items:
        return "[]"
    body = ",\n".join(
        "  {\n" + ",\n".join(f"    {enc(k)}: {enc(v)}" for k, v in item.items()) + "\n  }"
        for item in items
    )
    return "[\n" + body + "\n]"


def _pointer_key(pointer: str) -> tuple[Any, ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pointer.split("/")[1:])


# --------------------------------------------------------------------------- text


def _use_color() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


_COLORS = {"error": "\x1b[31;1m", "warning": "\x1b[33;1m", "info": "\x1b[36m"}
_DIM, _BOLD, _RESET = "\x1b[2m", "\x1b[1m", "\x1b[0m"


def text_report(findings: list, file_count: int, *, color: bool = False) -> str:
    """Findings for people: ``FILE#POINTER: severity code: message``, then a summary."""

    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    lines = []
    for f in findings:
        where = f.file + (f"#{f.pointer}" if f.pointer else "")
        if f.line:
            where += f":{f.line}:{f.column or 1}"
        sev = paint(f.severity, _COLORS[f.severity])
        lines.append(f"{paint(where, _BOLD)}: {sev} {paint(f.code, _DIM)}: {f.message}")
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    files = count(file_count, "file")
    if findings:
        parts = [count(n, s) for s, n in counts.items() if n]
        lines.append(f"{', '.join(parts)} in {files}")
    else:
        lines.append(f"no findings in {files}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- SARIF

_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _uri(file: str) -> str:
    """A SARIF artifact URI: relative paths stay relative (forward slashes), absolute ones
    become file:// URIs; characters outside the URI grammar are percent-encoded."""
    from urllib.parse import quote

    if file.startswith("<") and file.endswith(">"):
        return quote(file.strip("<>"))
    path = Path(file)
    if path.is_absolute():
        return path.as_uri()
    return quote(path.as_posix(), safe="/")


def _rule_name(code: str) -> str:
    return "".join(part.title() for part in re.split(r"[^A-Za-z0-9]+", code))


def sarif_log(findings: list) -> dict[str, Any]:
    """SARIF 2.1.0: one run, a rule per finding code, a result per finding."""
    from wizard.policy.lint import CODES
    from wizard.sarif import sarif_log

    codes = list(CODES)
    rules = [
        {
            "id": code,
            "name": _rule_name(code),
            "shortDescription": {"text": CODES[code][1]},
            "defaultConfiguration": {"level": _LEVELS[CODES[code][0]]},
        }
        for code in codes
    ]
    results = []
    for f in findings:
        location: dict[str, Any] = {
            "physicalLocation": {"artifactLocation": {"uri": _uri(f.file)}},
            "logicalLocations": [
                {
                    "name": f.pointer.rsplit("/", 1)[-1] or "(document)",
                    "fullyQualifiedName": f.pointer,
                    "kind": "member",
                }
            ],
        }
        if f.line:
            location["physicalLocation"]["region"] = {
                "startLine": f.line,
                "startColumn": f.column or 1,
            }
        result: dict[str, Any] = {
            "ruleId": f.code,
            "level": _LEVELS[f.severity],
            "message": {"text": f.message},
            "locations": [location],
        }
        if f.code in CODES:
            result["ruleIndex"] = codes.index(f.code)
        results.append(result)
    return sarif_log(rules, results, columnKind="unicodeCodePoints")
