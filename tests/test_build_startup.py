"""What `build`'s start-up relies on (issue #9: `build` at most half of policy_sentry's time).

Each test runs a fresh interpreter, as a user's `role-wizard build` is, and checks a property
of the start-up that a later change could silently lose: the figures in the README's
Benchmarks section depend on them. bench/README.md ("Where `build`'s time goes") says what each
one saves.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

SPEC = (
    "function: fn\naccount: '123456789012'\nregion: us-east-1\n"
    "resources:\n  - {kind: dynamodb-table, name: Orders, access: read-write}\n"
    "  - {kind: s3-prefix, bucket: uploads, prefix: incoming/, access: read}\n"
)


def run_build(tmp_path, before: str = "", env: dict[str, str] | None = None) -> dict:
    """`build` of :data:`SPEC` in a fresh interpreter (``before`` runs first); its exit status,
    output and what it imported."""
    spec = tmp_path / "role.yaml"
    spec.write_text(SPEC)
    code = f"""
        import contextlib, io, json, sys
        {before}
        from wizard.cli import main
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["build", {str(spec)!r}, "--format", "json"])
        import tokenize
        from wizard.catalog import kinds
        from wizard.catalog.reference import reference
        def dataclasses_of_ours():
            import dataclasses, gc
            return sorted(
                o.__module__ + "." + o.__qualname__
                for o in gc.get_objects()
                if isinstance(o, type) and dataclasses.is_dataclass(o)
                and o.__module__.startswith("wizard")
            )
        models = [kinds.FieldSpec, kinds.Discovery, kinds.StatementTemplate, kinds.Profile,
                  kinds.Kind, kinds.Target, kinds.Catalog]
        services = {{k: s for k, s in reference()._services.items() if s is not None}}
        print(json.dumps({{
            "code": code,
            "out": out.getvalue(),
            "modules": sorted(sys.modules),
            "loader": getattr(sys.modules.get("pydantic.plugin._loader"), "__doc__", None),
            "tokenize_regexes": tokenize._compile.cache_info().currsize,
            "catalog_models_built": [m.__name__ for m in models if m.__pydantic_complete__],
            "dataclasses": dataclasses_of_ours(),
            "actions": {{k: [len(s.actions._built), len(s.actions)] for k, s in services.items()}},
            "condition_keys_read": [k for k, s in services.items() if s._condition_keys is not None],
        }}))
        """
    clean = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        env={**clean, **(env or {})},
        cwd=tmp_path,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


# Modules `build` has no use for on a clean run: pydantic's plugin scan (importlib.metadata and
# the email package it brings), the linter's spelling hints (difflib), the app spec's models and
# records (a role spec is no app), the pickle module (the compiled catalog is read with its
# C unpickler; the module itself costs ~1 ms), and the policy sets `can` and `diff` read from
# files (`build` reads none).
NOT_ON_THE_BUILD_PATH = (
    "importlib.metadata",
    "email",
    "difflib",
    "wizard.appspec",
    "pickle",
    "wizard.policy.policyset",
)


def test_build_never_imports_importlib_metadata_and_builds_the_same_role(tmp_path):
    """pydantic's plugin loader imports ``importlib.metadata`` even with plugins off (~15 ms);
    `build` gives pydantic a loader that returns no plugins, and the role is the same as with
    pydantic's own loader (imported first, so the stand-in is not used)."""
    fast = run_build(tmp_path)
    assert fast["code"] == 0
    assert [m for m in NOT_ON_THE_BUILD_PATH if m in fast["modules"]] == []
    assert fast["loader"] == "pydantic's plugin loader, plugins off"
    real = run_build(tmp_path, before="import pydantic.plugin._loader")
    assert "importlib.metadata" in real["modules"]
    assert real["loader"] != fast["loader"]
    assert real["out"] == fast["out"]


def test_pydantic_own_loader_returns_no_plugins_when_they_are_off():
    """The stand-in's answer (no plugins) is what pydantic's own loader answers under the
    setting `build` makes: if a pydantic release changes that, this fails."""
    code = """
        import json, os
        os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
        from pydantic.plugin import _loader
        print(json.dumps(list(_loader.get_plugins())))
        """
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True
    )
    assert json.loads(proc.stdout) == []


@pytest.mark.parametrize("setting", ["some-plugin", "1"])
def test_a_users_own_plugin_setting_is_kept(tmp_path, setting):
    """A user's ``PYDANTIC_DISABLE_PLUGINS`` naming plugins leaves pydantic's loader in charge;
    one that turns every plugin off gets the stand-in."""
    result = run_build(tmp_path, env={"PYDANTIC_DISABLE_PLUGINS": setting})
    assert result["code"] == 0
    stand_in = result["loader"] == "pydantic's plugin loader, plugins off"
    assert stand_in == (setting == "1")


def test_build_compiles_no_tokenize_regex(tmp_path):
    """A pydantic field whose default_factory is a builtin (``dict``, ``list``) makes pydantic
    read the builtin's text signature with ``tokenize``, whose first use compiles a large
    regex; the models use plain ``{}`` / ``[]`` defaults (copied per instance) instead."""
    assert run_build(tmp_path)["tokenize_regexes"] == 0


def test_no_model_has_a_builtin_default_factory():
    """The class of the bug above, for every model of the spec and the catalog."""
    import inspect

    from pydantic import BaseModel

    import wizard.catalog.kinds
    import wizard.spec

    models = [
        obj
        for module in (wizard.spec, wizard.catalog.kinds)
        for obj in vars(module).values()
        if inspect.isclass(obj) and issubclass(obj, BaseModel) and obj is not BaseModel
    ]
    assert len(models) >= 8
    builtin = [
        f"{model.__name__}.{name}"
        for model in models
        for name, info in model.model_fields.items()
        if info.default_factory is not None
        and (
            inspect.isbuiltin(info.default_factory) or info.default_factory.__module__ == "builtins"
        )
    ]
    assert builtin == []


def run_script(
    tmp_path, args: list[str], before: str = "", after: str = ""
) -> subprocess.CompletedProcess:
    """The console script's entry (``wizard.cli.script``) in a fresh interpreter, its output
    through pipes as a shell's ``|`` gives."""
    (tmp_path / "role.yaml").write_text(SPEC)
    code = f"""
        import sys
        {before}
        from wizard.cli import script
        try:
            script()
        finally:
            {after or "pass"}
        """
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )


@pytest.mark.parametrize("fmt", ["json", "cloudformation", "terraform"])
def test_the_console_script_ends_at_once_with_all_its_output(tmp_path, monkeypatch, fmt):
    """After `build`, the script skips the interpreter's shutdown (atexit does not run), and
    every byte of the output, larger than a pipe's buffer or not, still arrives."""
    from wizard.cli import main

    ended = run_script(
        tmp_path,
        ["build", "role.yaml", "-f", fmt],
        before="import atexit; atexit.register(lambda: print('shut down', file=sys.stderr))",
    )
    assert ended.returncode == 0, ended.stderr
    assert "shut down" not in ended.stderr
    monkeypatch.chdir(tmp_path)  # main() in this process, for the expected text
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["build", "role.yaml", "-f", fmt]) == 0
    assert ended.stdout == out.getvalue()


def test_the_console_script_keeps_its_exit_status_and_error_line(tmp_path):
    ended = run_script(tmp_path, ["build", "missing.yaml"])
    assert ended.returncode == 2
    assert ended.stderr == "role-wizard: missing.yaml: no such file\n"


def test_the_console_script_exits_normally_while_another_thread_runs(tmp_path):
    """A thread still running (none in `build` itself) gets the normal exit, which waits."""
    ended = run_script(
        tmp_path,
        ["build", "role.yaml"],
        before=(
            "import threading; go = threading.Event(); "
            "threading.Thread(target=lambda: go.wait() and print('thread done')).start()"
        ),
        after="go.set()",
    )
    assert ended.returncode == 0, ended.stderr
    assert ended.stdout.endswith("thread done\n")


def test_other_commands_exit_normally(tmp_path):
    """Only one-pass commands end at once: `init` (not one) runs atexit as always."""
    ended = run_script(
        tmp_path,
        ["init", "other.yaml"],
        before="import atexit; atexit.register(lambda: print('shut down', file=sys.stderr))",
    )
    assert ended.returncode == 0, ended.stderr
    assert "shut down" in ended.stderr


# The dataclasses `build` defines (each ~3M instructions to define in Python 3.11, a NamedTuple
# under 1M): records that hold state, or are told apart from tuples. A plain immutable record
# on build's path is a NamedTuple (the linter's EscalationPath, a file's PolicyPart); a class
# with behaviour a plain class (the reference's Service, the linter's condition-key sets).
BUILD_DATACLASSES = [
    "wizard.bundle.NamedPolicy",
    "wizard.bundle.RoleBundle",
    "wizard.policy.documents.PolicySource",
    "wizard.spec.SpecContext",
]


def test_build_defines_only_the_dataclasses_it_needs(tmp_path):
    """A new dataclass on `build`'s path costs every run ~3M instructions: this names those
    there are, so one more is a choice (bench/README.md, "Start-up levers of session 20")."""
    assert run_build(tmp_path)["dataclasses"] == BUILD_DATACLASSES


def test_build_registers_only_its_own_parser():
    """``wizard.cli.build`` holds `build`'s parser alone: `init`'s and `catalog`'s (four more
    parsers) are not made for a run of `build` (~4M instructions)."""
    from wizard.cli import build_parser

    assert tuple(build_parser("build")._subparsers._group_actions[0].choices) == ("build",)


def test_build_reads_the_compiled_catalog_and_builds_no_catalog_model(tmp_path):
    """The compiled catalog (``wizard.catalog.kinds``) is unpickled, so no model of the catalog
    builds its validator (``defer_build``): that was ~5 ms of `build`."""
    assert run_build(tmp_path)["catalog_models_built"] == []


def test_build_makes_only_the_iam_actions_it_uses(tmp_path):
    """``wizard.catalog.reference.Actions``: of the hundreds of actions of each service `build`
    reads, only those its policies name or match are made into Action objects (the boundary's
    deny of ``iam:*`` matches, so makes, every IAM action)."""
    actions = run_build(tmp_path)["actions"]
    for service in ("dynamodb", "s3", "logs"):
        built, every = actions[service]
        assert 0 < built < every / 4, service


def test_build_reads_no_services_condition_keys(tmp_path):
    """A service's condition keys are read from the reference when the linter first asks for
    them (``Service.condition_keys``); `build`'s policies never make it ask (~2.5M
    instructions for the eight services it reads)."""
    result = run_build(tmp_path)
    assert len(result["actions"]) >= 5
    assert result["condition_keys_read"] == []


UNUSED_REGEXES = """
    import contextlib, io, json, re, sys
    made = []
    compile_ = re.compile

    class Watched:
        # A module-level regex of ours: used or not (the first attribute read).
        def __init__(self, compiled, where):
            self.compiled, self.where, self.used = compiled, where, False

        def __getattr__(self, name):
            self.used = True
            return getattr(self.compiled, name)

    def watch(pattern, flags=0):
        compiled = compile_(pattern, flags)
        caller = sys._getframe(1)
        if caller.f_code.co_name == "<module>" and caller.f_globals["__name__"].startswith("wizard"):
            made.append(Watched(compiled, f"{caller.f_globals['__name__']}:{caller.f_lineno}"))
            return made[-1]
        return compiled

    re.compile = watch
    from wizard.cli import main
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(["build", "role.yaml", "--format", "json"])
    print(json.dumps({"code": code, "unused": [w.where for w in made if not w.used]}))
    """


def test_build_compiles_no_module_level_regex_it_does_not_use(tmp_path):
    """A regex compiled when its module is imported costs every process that imports it
    (0.1-0.4 ms each); one `build` never uses is compiled on first use instead
    (``wizard.lazyre.lazy``)."""
    (tmp_path / "role.yaml").write_text(SPEC)
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(UNUSED_REGEXES)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["code"] == 0
    assert result["unused"] == []
