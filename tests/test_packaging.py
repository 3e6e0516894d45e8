"""The product is what users install: the wheel carries every file the program opens at run time.

The wheel is built once, offline (``--no-build-isolation --no-index``: the test environment's
pinned setuptools), from a copy of the files git tracks, as a clean checkout would build it. The
list of files to find in it is not written here: it is what git tracks under ``catalogs/``, the
stylesheets under ``wizard/``, what the catalog accessor reaches, and what the commands of
``tests/packaging_probe.py`` actually open (an audit hook) -- in the checkout and installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from wizard.catalog.data import catalog_root

REPO = Path(__file__).resolve().parent.parent
PROBE = Path(__file__).with_name("packaging_probe.py")


def git_files(*paths: str) -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--", *paths],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [name for name in out.split("\0") if name]


def in_wheel(repo_path: str) -> str:
    """Where a file of the checkout lands in the wheel (catalogs/ becomes wizard/catalogs/)."""
    parts = PurePosixPath(repo_path).parts
    if parts[0] == "catalogs":
        return str(PurePosixPath("wizard", *parts))
    assert parts[0] == "wizard", f"{repo_path} is outside the package and its catalogs"
    return repo_path


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("checkout")
    for name in git_files():
        if (REPO / name).is_file():  # a tracked file deleted in the work tree is not built
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, src / name)
    out = tmp_path_factory.mktemp("dist")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
        + ["--no-index", "--quiet", "-w", str(out), str(src)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def wheel_files(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed with ``pip install --target`` (its dependencies are this venv's)."""
    target = tmp_path_factory.mktemp("target")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet"]
        + ["--target", str(target), str(wheel)],
        check=True,
    )
    return target


def probe(tmp_path: Path, pythonpath: Path | None = None) -> dict:
    """Run tests/packaging_probe.py in a fresh interpreter, from an empty folder."""
    work = tmp_path / "elsewhere"
    work.mkdir(parents=True)
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    run = subprocess.run(
        [sys.executable, str(PROBE), str(work)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def data_opened(report: dict, root: Path) -> set[str]:
    """The non-Python files under ``root`` that the probe's commands opened (relative paths)."""
    venv = Path(sys.prefix).resolve()
    found = set()
    for name in report["opened"]:
        path = Path(name).resolve()
        if root in path.parents and venv not in path.parents and path.suffix not in {".py", ".pyc"}:
            found.add(path.relative_to(root).as_posix())
    return found


def test_the_wheel_carries_every_tracked_catalog_file_and_stylesheet(wheel_files: set[str]) -> None:
    tracked = git_files("catalogs", "wizard")
    wanted = {in_wheel(n) for n in tracked if n.startswith("catalogs/") or n.endswith(".tcss")}
    assert {"wizard/catalogs/kinds.yaml", "wizard/tui/wizard.tcss"} <= wanted  # the list is real
    assert wanted - wheel_files == set()


def test_the_wheel_carries_everything_the_catalog_accessor_reaches(wheel_files: set[str]) -> None:
    def walk(node, prefix: str):
        for child in node.iterdir():
            name = f"{prefix}{child.name}"
            if child.is_dir():
                if child.name != "__pycache__":
                    yield from walk(child, f"{name}/")
            elif not child.name.endswith(".pyc"):
                yield name

    reachable = set(walk(catalog_root(), "wizard/catalogs/"))
    assert "wizard/catalogs/managed/index.yaml" in reachable
    assert reachable - wheel_files == set()


def test_the_wheel_carries_a_fresh_compiled_form_of_every_catalog_yaml(wheel: Path) -> None:
    """The build compiles each catalog YAML file (``wizard.catalog.data``); the compiled form
    holds the same data and the fingerprint of the YAML shipped beside it, so it is used."""
    from wizard.catalog.data import _same, compiled_name, fingerprint, parse_catalog_yaml

    yaml_files = [n for n in git_files("catalogs") if n.endswith(".yaml")]
    assert "catalogs/kinds.yaml" in yaml_files
    with zipfile.ZipFile(wheel) as archive:
        for repo_name in yaml_files:
            name = repo_name.removeprefix("catalogs/")
            text = archive.read(f"wizard/catalogs/{name}").decode("utf-8")
            held = json.loads(archive.read(f"wizard/catalogs/{compiled_name(name)}"))
            assert held["source"] == fingerprint(text), name
            assert _same(held["data"], parse_catalog_yaml(name, text)), name


def test_the_installed_wheel_reads_its_compiled_catalog(installed: Path, tmp_path: Path) -> None:
    """The build validates kinds.yaml and pickles the Catalog with the stamp of what it was made
    from (``wizard.catalog.kinds``): the installed package finds the stamp its own, and uses it."""
    code = (
        "from wizard.catalog import kinds\n"
        "held = kinds._compiled_catalog(kinds.catalog_text(kinds.SOURCE))\n"
        "print(held is not None and held == kinds.Catalog.model_validate("
        "kinds.catalog_yaml(kinds.SOURCE)))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(installed)}
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert run.stdout.strip() == "True", run.stderr


def test_the_wheel_installs_nothing_outside_the_package(wheel_files: set[str]) -> None:
    # data-files (the old share/lambda-role-wizard/catalogs) live in "<name>.data/" in a wheel
    outside = {n for n in wheel_files if n.split("/")[0] != "wizard" and ".dist-info/" not in n}
    assert outside == set()


def test_every_file_the_commands_open_is_in_the_wheel(
    wheel_files: set[str], tmp_path: Path
) -> None:
    report = probe(tmp_path)
    assert Path(report["package"]).resolve().parent == REPO / "wizard"  # the checkout's code
    opened = data_opened(report, REPO)
    assert "wizard/tui/wizard.tcss" in opened and "catalogs/kinds.yaml" in opened  # hook works
    assert {in_wheel(n) for n in opened} - wheel_files == set()


def test_the_installed_wheel_runs_from_elsewhere_like_the_checkout(
    installed: Path, tmp_path: Path
) -> None:
    wheel_run = probe(tmp_path / "wheel", pythonpath=installed)
    checkout_run = probe(tmp_path / "checkout")
    assert Path(wheel_run["package"]).resolve().parent == installed.resolve() / "wizard"
    # nothing read from the checkout: all of it from the installed package
    assert data_opened(wheel_run, REPO) == set()
    assert "wizard/catalogs/kinds.yaml" in data_opened(wheel_run, installed.resolve())
    for name, result in checkout_run["results"].items():
        assert wheel_run["results"][name] == result, name  # same kinds, same roles, same answers
    assert wheel_run["results"]["wizard"]["stdout"] == "function"
