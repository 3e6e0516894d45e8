"""No input makes a command run for long, print a traceback or more than one bounded line:
alias bombs, deep nesting, huge and endless files, hostile output targets, random bytes."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest
from cli_helpers import one_line_error
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.errors import MAX_MESSAGE_CHARS, MAX_WHERE_CHARS, UserError, one_line
from wizard.limits import MAX_DEPTH, MAX_POLICY_BYTES, MAX_SPEC_BYTES

ACC = "123456789012"
SPEC = f"function: fn\naccount: '{ACC}'\nregion: us-east-1\n"
MAX_LINE = len("role-wizard: ") + MAX_WHERE_CHARS + 2 + MAX_MESSAGE_CHARS + 1

BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n"
        for a, b in zip("abcdefg", "bcdefgh", strict=True)
    )
    + "function: *h\n"
)


def commands(path: Path, other: Path) -> list[tuple[str, ...]]:
    """Every offline command reading a file a user names, with ``path`` as that file."""
    return [
        ("build", str(path)),
        ("validate", str(path)),
        ("validate", str(other), "--boundary", str(path)),
        ("can", "s3:GetObject", "arn:aws:s3:::b/k", "--policy", str(path)),
        ("diff", str(path), str(other)),
        ("diff", str(other), str(path)),
    ]


@pytest.fixture
def good_policy(tmp_path: Path) -> Path:
    path = tmp_path / "good.json"
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    return path


@pytest.fixture(autouse=True)
def _warm(run_cli, tmp_path_factory) -> None:
    """Load the catalog, the IAM reference and pydantic's models once, so the timings below
    measure reading the input, not this process's first imports."""
    folder = tmp_path_factory.mktemp("warm")
    (folder / "role.yaml").write_text(SPEC)
    assert run_cli("build", folder / "role.yaml").code == 0


# Refusals take well under a second in a fresh process (see bench/); the bound leaves room for
# a loaded 2-core test machine, and still fails by a factor of 30 without the limits.
def assert_refused_fast(run_cli, argv, *, within: float = 2.0) -> str:
    start = time.perf_counter()
    result = run_cli(*argv)
    elapsed = time.perf_counter() - start
    assert one_line_error(result), (argv, result)
    assert len(result.err) <= MAX_LINE, len(result.err)
    assert elapsed < within, (argv, elapsed)
    return result.err


HOSTILE = {
    "alias-bomb": (BOMB, "expands to more than"),
    "alias-bomb-in-a-key": (BOMB.replace("function: *h", "? *h\n: 1"), "expands"),
    "recursive-alias": ("a: &a [*a]\n", "points into itself"),
    "deep-yaml": ("a: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than"),
    "deep-yaml-block": (
        "".join("  " * i + "a:\n" for i in range(200)) + "  " * 200 + "b\n",
        "nested more than",
    ),
    "deep-json": ("[" * 100_000 + "]" * 100_000, None),
    "too-large": ("# " + "x" * (max(MAX_SPEC_BYTES, MAX_POLICY_BYTES) + 10), "larger than"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_are_refused_in_well_under_a_second(name, tmp_path, run_cli, good_policy):
    text, message = HOSTILE[name]
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    for argv in commands(path, good_policy):
        err = assert_refused_fast(run_cli, argv)
        if message and argv[0] == "build":
            assert message in err


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_an_endless_file_is_refused_at_once(device, run_cli, good_policy):
    for argv in commands(Path(device), good_policy):
        err = assert_refused_fast(run_cli, argv)
        assert "larger than 1 MiB" in err or "not UTF-8" in err


def test_a_file_of_the_size_limit_is_read_whole(tmp_path, run_cli):
    path = tmp_path / "role.yaml"
    path.write_text(SPEC + "#" * (MAX_SPEC_BYTES - len(SPEC) - 1) + "\n")
    assert path.stat().st_size == MAX_SPEC_BYTES
    assert run_cli("build", path).code == 0
    path.write_text(SPEC + "#" * (MAX_SPEC_BYTES - len(SPEC)) + "\n")
    assert "larger than 1 MiB" in run_cli("build", path).err


def test_nesting_up_to_the_limit_is_read(tmp_path, run_cli):
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
           "Resource": "arn:aws:s3:::b/k"}]}  # fmt: skip
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    assert run_cli("validate", path).code == 0
    deep: object = "x"
    for _ in range(MAX_DEPTH + 1):
        deep = [deep]
    doc["Statement"][0]["Condition"] = {"StringEquals": {"aws:x": deep}}
    path.write_text(json.dumps(doc))
    assert "nested more than" in run_cli("validate", path).err


def test_a_huge_value_gives_a_bounded_error_line(tmp_path, run_cli):
    path = tmp_path / "role.yaml"
    path.write_text(f"function: {'x' * 900_000}\n")
    err = assert_refused_fast(run_cli, ("build", path), within=3.0)
    assert "characters]" in err


def test_a_user_error_is_one_bounded_line_whatever_it_quotes():
    error = UserError("bad value: " + "x\n\x00\x1b[31m" * 10_000_000, where="f" * 10_000 + ":3")
    text = str(error)
    assert "\n" not in text and "\x00" not in text and "\x1b" not in text
    assert len(text) <= MAX_WHERE_CHARS + 2 + MAX_MESSAGE_CHARS
    assert error.where.endswith(":3")  # the line number survives the cut


def _one_line_escaping_everything(text: str, limit: int, keep_end: bool) -> str:
    """What ``one_line`` answers, written the plain way: escape the whole text, then cut it."""
    escaped = "".join(
        c.encode("unicode_escape").decode("ascii") if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 else c
        for c in text
    )
    if len(escaped) <= limit:
        return escaped
    note = f" [... {len(escaped):,} characters]"
    if keep_end:
        return "..." + escaped[-(limit - 3) :]
    return escaped[: max(limit - len(note), 1)] + note


# one_line escapes only the ends it keeps and counts the rest (a 100-million-character value is
# cut in seconds): the same line as escaping everything first, for any text and limit.
@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab \n\x00\x1b\x7f\x85\x9f\xa0é\u2028😀"), max_size=80),
    st.integers(min_value=4, max_value=60),
    st.booleans(),
)
def test_one_line_cuts_as_escaping_everything_first_would(text, limit, keep_end):
    assert one_line(text, limit, keep_end=keep_end) == _one_line_escaping_everything(
        text, limit, keep_end
    )


# --------------------------------------------------------------------------- output targets


def _targets(tmp_path: Path) -> dict[str, Path]:
    link = tmp_path / "link.json"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link.symlink_to(victim)
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere.json")
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.json"
    folder.mkdir()
    targets = {"symlink": link, "dangling-symlink": dangling, "fifo": fifo, "folder": folder}
    if os.geteuid() == 0:  # a character device like /dev/full, made where it harms nothing
        device = tmp_path / "full.json"
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 7))
        targets["device"] = device
    return targets


@pytest.mark.parametrize("command", ["build", "init"])
def test_only_regular_files_are_written(command, tmp_path, run_cli, spec_file):
    spec = spec_file(SPEC)
    for name, target in _targets(tmp_path).items():
        before = os.lstat(target)
        argv = ("build", spec, "-o", target) if command == "build" else ("init", target, "--force")
        err = assert_refused_fast(run_cli, argv)
        assert "not a regular file" in err, name
        after = os.lstat(target)
        assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino), name
    assert (tmp_path / "victim.txt").read_text() == "keep me"
    assert not (tmp_path / "nowhere.json").exists()


@pytest.mark.parametrize("command", ["build", "init"])
def test_a_missing_folder_is_refused_not_made(command, tmp_path, run_cli, spec_file):
    target = tmp_path / "no" / "such" / "role.json"
    argv = ("build", spec_file(SPEC), "-o", target) if command == "build" else ("init", target)
    err = assert_refused_fast(run_cli, argv)
    assert "does not exist; create it first" in err and not (tmp_path / "no").exists()


@pytest.mark.parametrize("command", ["build", "init"])
@pytest.mark.parametrize("name", ["x" * 300, "d" * 300 + "/role.json"])
def test_an_impossible_file_name_is_one_line(command, name, tmp_path, run_cli, spec_file):
    target = tmp_path / name
    argv = ("build", spec_file(SPEC), "-o", target) if command == "build" else ("init", target)
    assert_refused_fast(run_cli, argv)


def test_init_without_force_refuses_an_existing_file_and_keeps_it(tmp_path, run_cli):
    path = tmp_path / "role.yaml"
    path.write_text("mine")
    err = assert_refused_fast(run_cli, ("init", path))
    assert "already exists; pass --force" in err and path.read_text() == "mine"


def test_write_leaves_no_temporary_file_behind(tmp_path, run_cli, spec_file):
    spec = spec_file(SPEC)
    _targets(tmp_path)
    before = set(os.listdir(tmp_path))
    run_cli("build", spec, "-o", tmp_path / "link.json")
    assert set(os.listdir(tmp_path)) == before


# --------------------------------------------------------------------------- fuzz


def _yaml_values(leaf: st.SearchStrategy) -> st.SearchStrategy:
    return st.recursive(
        leaf,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=30,
    )


LEAVES = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
)
KEYS = st.sampled_from(
    ["function", "account", "region", "partition", "role", "boundary", "logs", "resources",
     "kind", "name", "arn", "access", "Version", "Statement", "Effect", "Action", "Resource",
     "AssumeRolePolicyDocument", "Policies", "Resources", "Type", "Properties", "Fn::Sub"]
)  # fmt: skip
STRUCTURED = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(KEYS | st.text(max_size=6), inner, max_size=5)
    ),
    max_leaves=40,
)


def _texts() -> st.SearchStrategy[bytes]:
    as_json = STRUCTURED.map(lambda v: json.dumps(v).encode())
    as_yaml = STRUCTURED.map(lambda v: __import__("yaml").safe_dump(v).encode())
    return st.binary(max_size=400) | as_json | as_yaml | st.text(max_size=300).map(str.encode)


FUZZ_COMMANDS = ["build", "validate", "can", "diff-old", "diff-new"]


@given(content=_texts(), command=st.sampled_from(FUZZ_COMMANDS))
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_random_input_never_gives_a_traceback_or_runs_long(
    content, command, tmp_path, run_cli, good_policy
):
    path = tmp_path / "fuzz.in"
    path.write_bytes(content)
    argv = {
        "build": ("build", path),
        "validate": ("validate", path),
        "can": ("can", "s3:GetObject", "arn:aws:s3:::b/k", "--policy", path),
        "diff-old": ("diff", path, good_policy),
        "diff-new": ("diff", good_policy, path),
    }[command]
    start = time.perf_counter()
    result = run_cli(*argv)
    assert time.perf_counter() - start < 5
    assert result.code in (0, 1, 2), result
    assert "Traceback" not in result.err
    if result.code == 2:
        assert one_line_error(result), result
        assert len(result.err) <= MAX_LINE
