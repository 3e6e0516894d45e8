"""``role-wizard scan``: a role spec from the handler's code (offline)."""

from __future__ import annotations

import argparse
import json
import sys

from wizard.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "scan",
        help="suggest a role spec from the handler's code (offline)",
        description="Read Python (and, when installed, JavaScript/TypeScript) handler code for "
        "AWS SDK calls, map each to its IAM actions and resource, and suggest spec entries. "
        "Nothing unresolved is widened: it is listed with its file and line.",
    )
    p.add_argument("sources", nargs="+", metavar="SRC", help="files or folders of handler code")
    p.add_argument(
        "--function",
        metavar="NAME",
        help="the function: the spec's function name with -o, and which function of --template",
    )
    out = p.add_mutually_exclusive_group()
    out.add_argument("-o", "--out", metavar="SPEC", help="write a new spec (needs --function)")
    out.add_argument(
        "--into",
        metavar="SPEC",
        help="add what the scan found to this spec, keeping its entries (added ones are marked)",
    )
    p.add_argument(
        "--template",
        metavar="FILE",
        help="SAM/CloudFormation template or Terraform (.tf) file: resolves environment variables",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--include-tests",
        action="store_true",
        help="also read test folders and files (skipped by default)",
    )
    p.set_defaults(handler=cmd_scan, one_pass=True)


def cmd_scan(args: argparse.Namespace) -> int:
    from wizard.cli.core import without_pydantic_plugins, write_output

    without_pydantic_plugins()
    from wizard.scan.bind import (
        annotated_yaml,
        bind,
        merge,
        short_profiles,
        template_environment,
    )
    from wizard.scan.sources import scan_sources

    if args.out and not args.function:
        raise UserError("-o writes a new spec: give its function's name with --function")
    env = template_environment(args.template, args.function) if args.template else {}
    from wizard.spec import RoleSpec, load_spec

    base = load_spec(args.into)[0] if args.into else None
    original = None
    if args.into:  # its text: the user's comments and layout are kept
        from wizard.limits import MAX_SPEC_BYTES, read_text

        original = read_text(args.into, "spec", MAX_SPEC_BYTES)[0]
    found = scan_sources(args.sources, include_tests=args.include_tests)
    binding = bind(found.calls, env, base.resources if base else ())
    target = args.out or args.into
    if target:
        from wizard.policy.compose import compose
        from wizard.policy.gate import approve

        spec, added = merge(base or RoleSpec(function=args.function), binding)
        approve(compose(spec), source=target)  # the one gate: what is written builds
        write_output(annotated_yaml(spec, added, original), target)
    if args.format == "json":
        data = binding.to_dict() | {
            "files": found.files,
            "skipped": [{"where": w, "reason": r} for w, r in found.skipped],
        }
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        _print_text(found, binding)
    if target:
        from wizard.spec import spec_warnings

        for warning in spec_warnings(spec):  # as `build` says them
            print(f"role-wizard: warning: {target}: {warning.text()}", file=sys.stderr)
        for index, access, missing, suggestion in short_profiles(spec, binding):
            print(
                f"role-wizard: warning: {target}: resources[{index}]: its profile "
                f"{access} does not grant {', '.join(missing)}, which the "
                f"code calls ({suggestion.first}); left as it is",
                file=sys.stderr,
            )
        print(f"wrote the spec to {target}", file=sys.stderr)
    return 0


def _print_text(found, binding) -> None:
    from wizard.entries import entry_label

    out = sys.stdout
    out.write(f"scanned {len(found.files)} files, {len(found.calls)} SDK calls\n")
    for s in binding.suggestions:
        out.write(f"{entry_label(s.entry)}: {s.entry.access}\n")
        for action, places in sorted(s.actions.items()):
            out.write(f"  {action}  {', '.join(str(w) for w in places)}\n")
        for action in s.uncovered:
            out.write(f"  not granted: {action} (no profile of {s.entry.kind} grants it)\n")
    if binding.unresolved:
        out.write("unresolved (left for you to add):\n")
        for u in binding.unresolved:
            what = f" [{', '.join(u.actions)}]" if u.actions else ""
            out.write(f"  {u.where}: {u.operation}{what}: {u.reason}\n")
    for where, why in found.skipped:
        out.write(f"skipped {where}: {why}\n")
