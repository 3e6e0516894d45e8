"""Core commands: build (its parser is :mod:`wizard.cli.build`'s), init, catalog."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from wizard.errors import UserError

LEVELS = ("List", "Read", "Write", "Tagging", "Permissions management")


def access_level(text: str) -> str:
    """``--level``: an access level in any case, with ``-`` or ``_`` for the space
    (``write``, ``permissions-management``); anything else is left for argparse to refuse."""
    wanted = " ".join(text.replace("-", " ").replace("_", " ").split()).casefold()
    return next((level for level in LEVELS if level.casefold() == wanted), text)


def register(sub: argparse._SubParsersAction) -> None:
    """``init`` and ``catalog`` (``build``'s parser is :mod:`wizard.cli.build`'s)."""
    p = sub.add_parser("init", help="write a commented example spec to start from")
    p.add_argument("path", nargs="?", help="the file to write (default: role.yaml, app.yaml)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.add_argument(
        "--app", action="store_true", help="an app spec: several functions, one role each"
    )
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("catalog", help="look up resource kinds and IAM actions")
    csub = p.add_subparsers(dest="catalog_command", metavar="WHAT", required=True)
    k = csub.add_parser("kinds", help="the resource kinds and their access profiles")
    k.add_argument("--format", choices=("text", "json"), default="text")
    k.set_defaults(handler=cmd_catalog_kinds)
    a = csub.add_parser("actions", help="a service's actions from the AWS IAM reference")
    a.add_argument("service", help="service prefix, such as dynamodb")
    a.add_argument(
        "--level",
        type=access_level,
        choices=LEVELS,
        metavar="LEVEL",
        help="only this access level: List, Read, Write, Tagging or Permissions management "
        "(any case; permissions-management too)",
    )
    a.add_argument("--resource-type", help="only actions on this resource type (e.g. table)")
    a.add_argument("--format", choices=("text", "json"), default="text")
    a.set_defaults(handler=cmd_catalog_actions)


PYDANTIC_PLUGIN_LOADER = "pydantic.plugin._loader"
PLUGINS_OFF = ("__all__", "1", "true")  # the values pydantic reads as "no plugins at all"


def without_pydantic_plugins() -> None:
    """Tell pydantic, before its first model, that this process uses no pydantic plugins.

    pydantic looks for plugins among every installed distribution's entry points on its first
    model; the core uses none, and the scan is a large part of `build`'s start-up. With
    ``PYDANTIC_DISABLE_PLUGINS=__all__`` its loader's ``get_plugins()`` returns no plugins, yet
    the loader's module still imports ``importlib.metadata`` (with ``email``, ``zipfile`` and
    ``csv``, ~15 ms of `build`'s CPU time) only to leave it unused. So when plugins are off,
    the loader's module is given as one whose ``get_plugins()`` returns what pydantic's returns
    then: nothing. ``tests/test_build_startup.py`` checks both sides: pydantic's own loader
    gives no plugins under that setting, and `build` never imports ``importlib.metadata``.
    A user's own ``PYDANTIC_DISABLE_PLUGINS`` (a list of plugin names) is left as it is."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] not in PLUGINS_OFF:
        return
    if PYDANTIC_PLUGIN_LOADER in sys.modules:  # pydantic has looked already
        return
    import types

    loader = types.ModuleType(PYDANTIC_PLUGIN_LOADER, "pydantic's plugin loader, plugins off")
    loader.get_plugins = lambda: ()  # type: ignore[attr-defined]
    sys.modules[PYDANTIC_PLUGIN_LOADER] = loader


def load_and_compose(path: str, account: str | None = None, region: str | None = None):
    """Load a role spec or an app spec file (with --account/--region filling open values) and
    compose it: ``(spec, ctx, bundle)``, for an app ``(app, ctx, [bundle of each function])``."""
    without_pydantic_plugins()
    from wizard.policy.compose import compose
    from wizard.spec import RoleSpec, load_any_spec

    spec, ctx = load_any_spec(path)
    if not isinstance(spec, RoleSpec):  # an app spec
        from wizard.policy.app import compose_app

        roles = fill_app_location(spec, ctx, account, region)
        return spec, ctx, compose_app(spec, ctx, roles)
    spec = _fill(spec, ctx, account, region)
    return spec, ctx, compose(spec, ctx)


def _fill(spec, ctx, account: str | None, region: str | None):
    from wizard.spec import fill_location

    spec = fill_location(spec, account=account, source="--account", ctx=ctx)
    return fill_location(spec, region=region, source="--region", ctx=ctx)


def fill_app_location(app, ctx, account: str | None, region: str | None) -> list:
    """The whole spec of every function of ``app``, --account/--region filling open values
    (a contradiction names the function)."""
    from wizard.appspec import function_context, in_function

    roles = []
    for i, role in enumerate(app.roles()):
        try:
            roles.append(_fill(role, function_context(ctx, i), account, region))
        except UserError as exc:
            raise in_function(exc, role.function) from None
    return roles


def write_output(text: str, out: str | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    from wizard.atomic import write_text_atomic

    try:
        write_text_atomic(out, text)
    except OSError as exc:
        raise UserError(f"cannot write: {exc.strerror or exc}", where=out) from None


CHECK_DIFF_LINES = 40  # --check shows at most this many lines of its diff


def check_output(text: str, path: str, command: str) -> int:
    """``--check``: 0 when the file at ``path`` holds ``text``, else 1 and a unified diff (at
    most :data:`CHECK_DIFF_LINES` lines) on standard output."""
    import difflib

    try:
        current = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError("no such file to check", where=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(
            f"cannot read: {getattr(exc, 'strerror', None) or exc}", where=path
        ) from None
    if current == text:
        return 0
    diff = list(
        difflib.unified_diff(
            current.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=path,
            tofile=command,
        )
    )
    shown = diff[:CHECK_DIFF_LINES]
    sys.stdout.writelines(line if line.endswith("\n") else line + "\n" for line in shown)
    if len(diff) > len(shown):
        print(f"... {len(diff) - len(shown)} more diff lines")
    rebuild = f"{command} -o {path}"
    print(f"role-wizard: {path}: not what the spec builds; rebuild: {rebuild}", file=sys.stderr)
    return 1


def cmd_build(args: argparse.Namespace) -> int:
    without_pydantic_plugins()  # before anything imports pydantic
    from wizard.export import export
    from wizard.policy.gate import approve, approve_app
    from wizard.spec import RoleSpec, spec_warnings

    spec, ctx, built = load_and_compose(args.spec, args.account, args.region)
    if not isinstance(spec, RoleSpec):  # an app spec (its module is imported only then)
        from wizard.appspec import function_context

        approved = approve_app(spec.app, built, source=args.spec)
        for i, role in enumerate(spec.roles()):
            for warning in spec_warnings(role):
                text = warning.text(function_context(ctx, i))
                print(f"role-wizard: warning: function {role.function}: {text}", file=sys.stderr)
        what = f"app {spec.app} ({len(built)} roles)"
    else:
        approved = approve(built, source=args.spec)
        for warning in spec_warnings(spec):  # likely not meant, but the role is sound: say so
            print(f"role-wizard: warning: {warning.text(ctx)}", file=sys.stderr)
        what = f"role {built.role_name}"
    try:
        text = export(approved, args.format)
    except UserError as exc:
        raise UserError(exc.detail, where=exc.where or args.spec) from None
    if args.check:
        return check_output(text, args.check, f"role-wizard build {args.spec} -f {args.format}")
    write_output(text, args.out)
    if args.out:
        print(f"wrote {args.format} for {what} to {args.out}", file=sys.stderr)
    return 0


EXAMPLE_SPEC = """\
# A lambda-role-wizard role spec. Build it with:
#   role-wizard build role.yaml --format cloudformation
function: orders-api            # the Lambda function's name (required)
account: "123456789012"         # optional, 12 digits, quoted; CloudFormation fills it when left out
region: us-east-1               # optional; CloudFormation fills it when left out
partition: aws                  # aws | aws-cn | aws-us-gov
role:
  name: orders-api-role         # default: <function>-role
  path: /
  description: Orders API function role
  tags: {team: payments}
boundary: envelope              # envelope | strict | none | an existing policy's ARN
logs: true                      # write to the function's own log group
tracing: false                  # send traces to X-Ray
vpc: false                      # the function runs in a VPC
deployer: true                  # also emit a deployer policy (iam:PassRole for this role only)
managed_policies: []            # AWS managed policies to attach, by name or ARN
resources:                      # what the function touches; `role-wizard catalog kinds` lists kinds
  - {kind: dynamodb-table, name: Orders, access: read-write}
  - {kind: s3-prefix, bucket: uploads, prefix: incoming/, access: read}
  - {kind: sqs-queue, name: orders-events, access: consume}
  - {kind: secretsmanager-secret, name: orders/db, access: read}
"""


EXAMPLE_APP = """\
# A lambda-role-wizard app spec: one role for each function. Build every role into one file:
#   role-wizard build app.yaml --format terraform
app: orders                     # the app's name (required): it names the shared boundaries
account: "123456789012"         # shared by every function; optional, as in a role spec
region: us-east-1
partition: aws
boundary: envelope              # the functions' default; identical boundaries become one policy
tags: {team: payments}          # added to every role's own tags
functions:                      # each one a role spec; what it leaves out comes from above
  - function: orders-api
    role: {description: Orders API function role}
    resources:
      - {kind: dynamodb-table, name: Orders, access: read-write}
      - {kind: sqs-queue, name: orders-events, access: send}
  - function: orders-worker
    resources:
      - {kind: sqs-queue, name: orders-events, access: consume}
      - {kind: dynamodb-table, name: Orders, access: read-write}
  - function: orders-report
    boundary: strict            # a function may choose its own boundary
    role: {tags: {team: finance}}
    resources:
      - {kind: dynamodb-table, name: Orders, access: read}
      - {kind: s3-prefix, bucket: reports, prefix: daily/, access: write}
"""


def cmd_init(args: argparse.Namespace) -> int:
    from wizard.atomic import TargetExists, write_text_atomic

    path = Path(args.path or ("app.yaml" if args.app else "role.yaml"))
    try:
        write_text_atomic(path, EXAMPLE_APP if args.app else EXAMPLE_SPEC, replace=args.force)
    except TargetExists:
        raise UserError("already exists; pass --force to overwrite it", where=str(path)) from None
    except OSError as exc:
        raise UserError(f"cannot write: {exc.strerror or exc}", where=str(path)) from None
    what = "app spec" if args.app else "spec"
    print(f"wrote an example {what} to {path}; build it with: role-wizard build {path}")
    return 0


def cmd_catalog_kinds(args: argparse.Namespace) -> int:
    from wizard.catalog.kinds import catalog

    cat = catalog()
    if args.format == "json":
        out = [
            {
                "kind": name,
                "title": kind.title,
                "service": kind.service,
                "fields": list(kind.fields),
                "arn": kind.arn,
                "default_access": kind.default_access,
                "profiles": {p: prof.summary for p, prof in kind.profiles.items()},
                # with kms_key: per profile, the KMS statements added on the key
                "encryption": {p: prof.key_grant_data() for p, prof in kind.encryption.items()},
            }
            for name, kind in cat.kinds.items()
        ]
        print(json.dumps(out, indent=2))
        return 0
    width = max(len(n) for n in cat.kinds)
    for name, kind in cat.kinds.items():
        print(f"{name:<{width}}  {kind.title}")
        fields = ", ".join(("arn", *kind.fields)) if kind.arn else "actions, resources"
        print(f"{'':<{width}}  fields: {fields}")
        for pname, prof in kind.profiles.items():
            mark = "*" if pname == kind.default_access else " "
            print(f"{'':<{width}}  {mark} {pname}: {prof.summary}")
        for pname, prof in kind.encryption.items():
            print(f"{'':<{width}}  kms_key, {pname}: {prof.key_grant_text()}")
    return 0


def cmd_catalog_actions(args: argparse.Namespace) -> int:
    from wizard.catalog.reference import reference

    ref = reference()
    svc = ref.service(args.service)
    if svc is None:
        raise UserError(f"unknown service {args.service!r} in the IAM reference")
    rtype = None
    if args.resource_type:
        rtype = svc.resource_type(args.resource_type)
        if rtype is None:
            known = ", ".join(sorted(r.name for r in svc.resource_types.values()))
            raise UserError(
                f"{svc.key} has no resource type {args.resource_type!r} (types: {known})"
            )
    rows = []
    for action in sorted(svc.actions.values(), key=lambda a: a.name):
        if args.level and args.level not in action.access_levels:
            continue
        types = [r.name for r in action.resource_types]
        if rtype and rtype.name not in types:
            continue
        rows.append(action)
    if args.format == "json":
        print(
            json.dumps(
                [
                    {
                        "action": a.full_name,
                        "access_level": a.access_level,
                        "resource_types": [r.name for r in a.resource_types],
                        "description": a.description,
                    }
                    for a in rows
                ],
                indent=2,
            )
        )
        return 0
    width = max((len(a.full_name) for a in rows), default=0)
    for a in rows:
        types = ", ".join(r.name for r in a.resource_types) or "*"
        print(f"{a.full_name:<{width}}  {a.access_level:<22}  [{types}]  {a.description}")
    print(f"{len(rows)} actions", file=sys.stderr)
    return 0
