"""``role-wizard can``: would these policies allow this request?

Exit status: 0 when the request is Allowed, 1 when it is denied (implicitly or explicitly),
2 on unusable input.  With ``--requests`` the status is 0 when every line was evaluated and 2
when some line could not be (those lines get an ``"error"`` in the output).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from wizard.errors import UserError, read_errors
from wizard.text import count

if TYPE_CHECKING:
    from wizard.policy.policyset import PolicySet

EPILOG = """\
exit status: 0 Allowed, 1 denied (ImplicitlyDenied or ExplicitlyDenied), 2 bad input.
with --requests: 0 when every line was evaluated, 2 when some line was bad (its output
line has an "error" field naming the line number).

--requests FILE (or - for standard input) holds one JSON object a line:
  {"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "context": {"aws:SourceIp": "10.0.0.1"}}
and gets one JSON line back per request:
  {"action": ..., "resource": ..., "decision": ..., "reason": ..., "statements": [...], "warnings": [...]}
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "can",
        help="evaluate a request against policies: Allowed, ImplicitlyDenied or ExplicitlyDenied",
        description="Evaluate ACTION on RESOURCE the way IAM does for identity policies and a "
        "permissions boundary.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("action", nargs="?", help="an IAM action, such as s3:GetObject")
    p.add_argument("resource", nargs="?", help="the resource ARN (or *)")
    p.add_argument(
        "--policy",
        "-p",
        action="append",
        required=True,
        metavar="FILE",
        help="an identity policy document, or a `build` JSON bundle (its identity policies and "
        "its boundary); repeatable",
    )
    p.add_argument(
        "--boundary",
        "-b",
        metavar="FILE",
        help="the permissions boundary (a policy document, or a bundle's boundary); overrides a "
        "bundle's own",
    )
    p.add_argument(
        "--context",
        "-c",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a request context value, e.g. aws:SourceIp=10.0.0.1; repeat a key for a list",
    )
    p.add_argument(
        "--requests",
        "-r",
        metavar="FILE",
        help="evaluate many requests: JSON lines in, JSON lines out (- reads standard input)",
    )
    p.add_argument("--format", "-f", choices=("text", "json"), default="text")
    p.set_defaults(handler=cmd_can)


# --------------------------------------------------------------------------- loading


def _load(path: str) -> PolicySet:
    """The policy set of a --policy/--boundary file (and diff's OLD/NEW files): the domain's
    one reader, shared with ``validate``."""
    from wizard.policy.policyset import load_policy_set

    return load_policy_set(path)


def _boundary(path: str) -> Any:
    from wizard.bundle import NamedPolicy

    found = _load(path)
    if found.boundaries:
        return found.boundaries[0]
    if len(found.identity) == 1 and isinstance(found.identity[0], NamedPolicy):
        return NamedPolicy("boundary", found.identity[0].document)
    raise UserError("a bundle without a permissions boundary", where=path)


def _context(pairs: list[str]) -> dict[str, Any]:
    ctx: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UserError(f"--context {pair!r}: expected KEY=VALUE, e.g. aws:SourceIp=10.0.0.1")
        if key in ctx:
            prev = ctx[key]
            ctx[key] = [*prev, value] if isinstance(prev, list) else [prev, value]
        else:
            ctx[key] = value
    return ctx


def build_evaluator(policy_files: list[str], boundary_file: str | None) -> tuple[Any, list[str]]:
    """Compile the policies of --policy/--boundary once; also return notes for stderr."""
    from wizard.policy.evaluate import Evaluator

    identity: list[Any] = []
    boundaries: list[tuple[str, Any]] = []
    notes: list[str] = []
    for path in policy_files:
        found = _load(path)
        identity.extend(found.identity)
        boundaries.extend((path, b) for b in found.boundaries)
        notes.extend(found.notes)
    boundary = None
    if boundary_file is not None:
        boundary = _boundary(boundary_file)
    elif boundaries:
        distinct = {json.dumps(b.document, sort_keys=True) for _, b in boundaries}
        if len(distinct) > 1:
            raise UserError(
                "the bundles have different permissions boundaries "
                f"({', '.join(p for p, _ in boundaries)}); choose one with --boundary"
            )
        boundary = boundaries[0][1]
    evaluator = Evaluator(
        [(p.name, p.document) for p in identity],
        None if boundary is None else boundary.document,
    )
    return evaluator, notes


# --------------------------------------------------------------------------- one request


def _describe(ref: Any) -> str:
    where = "boundary" if ref.is_boundary else f"policy {ref.policy}"
    sid = f" (Sid {ref.sid})" if ref.sid else ""
    return f"{ref.effect:<5} {where}, statement {ref.statement}{sid}"


def cmd_can(args: argparse.Namespace) -> int:
    if args.requests is not None:
        if args.action is not None:
            raise UserError("give either ACTION RESOURCE or --requests FILE, not both")
        if args.context:
            raise UserError('--context applies to one request; put "context" in each line')
        return _run_requests(args)
    if args.action is None or args.resource is None:
        raise UserError("give ACTION and RESOURCE (e.g. s3:GetObject arn:aws:s3:::b/k)")
    action, resource = args.action.strip(), args.resource.strip()
    if not action or not resource:
        raise UserError("ACTION and RESOURCE must not be empty")
    context = _context(args.context)
    evaluator, notes = build_evaluator(args.policy, args.boundary)
    for note in notes:
        print(f"warning: {note}", file=sys.stderr)
    _warn_unknown_action(action)
    result = evaluator.evaluate(action, resource, context)
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if args.format == "json":
        out = {"action": action, "resource": resource, **result.to_dict()}
        print(json.dumps(out, indent=2))
    else:
        print(result.decision)
        print(f"  {result.reason}")
        for ref in result.statements:
            print(f"  {_describe(ref)}")
    return 0 if result.allowed else 1


def _warn_unknown_action(action: str) -> None:
    from wizard.catalog.reference import reference

    ref = reference()
    if "*" in action or "?" in action:
        print(
            f"warning: {action} is a pattern; a request names one action (matched literally)",
            file=sys.stderr,
        )
    elif ref.action(action) is None:
        service = action.partition(":")[0]
        what = "action" if ":" in action and ref.has_service(service) else "service"
        print(
            f"warning: {action} is not in the IAM reference (unknown {what}); evaluated anyway",
            file=sys.stderr,
        )


# --------------------------------------------------------------------------- many requests


def _parse_request(raw: bytes) -> tuple[str, str, Any]:
    try:
        req = json.loads(raw)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    except ValueError as exc:
        raise ValueError(f"not valid JSON: {exc}") from None
    if not isinstance(req, dict):
        raise ValueError(f"expected a JSON object, not {type(req).__name__}")
    action, resource = req.get("action"), req.get("resource")
    if not isinstance(action, str) or not action:
        raise ValueError('"action" must be a non-empty string')
    if not isinstance(resource, str) or not resource:
        raise ValueError('"resource" must be a non-empty string')
    context = req.get("context")
    if context is not None and not isinstance(context, dict):
        raise ValueError('"context" must be a JSON object')
    return action, resource, context


def _tail(result: Any, dumps: Any, refs: dict[int, tuple[Any, str]]) -> str:
    """``dumps(result.to_dict())`` without its opening brace, each statement's JSON serialised
    once: a request decided by hundreds of statements costs a join, not their encoding."""
    statements = []
    for ref in result.statements:
        entry = refs.get(id(ref))
        if entry is None or entry[0] is not ref:
            entry = refs[id(ref)] = (ref, dumps(ref.to_dict()))
        statements.append(entry[1])
    head = dumps({"decision": result.decision, "reason": result.reason})[1:-1]
    return (
        f'{head},"statements":[{",".join(statements)}],"warnings":{dumps(list(result.warnings))}}}'
    )


def _run_requests(args: argparse.Namespace) -> int:
    evaluator, notes = build_evaluator(args.policy, args.boundary)
    for note in notes:
        print(f"warning: {note}", file=sys.stderr)
    source = args.requests
    if source == "-":
        handle = sys.stdin.buffer
    else:
        with read_errors(source, "requests file"):
            handle = open(source, "rb")  # noqa: SIM115 - closed below
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    evaluate = evaluator.evaluate
    # The tail of an output line per Evaluation; cached results are shared objects, so most
    # requests reuse a serialised tail.  The entry keeps the Evaluation alive (ids stay unique).
    tails: dict[int, tuple[Any, str]] = {}
    refs: dict[int, tuple[Any, str]] = {}  # the same for each StatementRef (the evaluator's own)
    out = sys.stdout
    chunk: list[str] = []
    bad = 0
    try:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                action, resource, context = _parse_request(raw)
                result = evaluate(action, resource, context)
            except (ValueError, UserError) as exc:
                bad += 1
                message = exc.detail if isinstance(exc, UserError) else str(exc)
                chunk.append(dumps({"line": number, "error": f"line {number}: {message}"}))
                continue
            entry = tails.get(id(result))
            if entry is None or entry[0] is not result:
                if len(tails) > 65536:
                    tails.clear()
                entry = (result, _tail(result, dumps, refs))
                tails[id(result)] = entry
            chunk.append(f'{{"action":{dumps(action)},"resource":{dumps(resource)},{entry[1]}')
            if len(chunk) >= 2048:
                out.write("\n".join(chunk) + "\n")
                chunk.clear()
        if chunk:
            out.write("\n".join(chunk) + "\n")
        out.flush()
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()
    if bad:
        print(
            f"role-wizard: {source}: {count(bad, 'request line')} could not be "
            'evaluated (see "error" in the output)',
            file=sys.stderr,
        )
        return 2
    return 0
