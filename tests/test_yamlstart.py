"""The seed of PyYAML's reader regex (wizard/yamlstart.py): the same set, PyYAML's own text."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from wizard import yamlstart

# Every code point, lone surrogates included (a str may hold them; PyYAML's reader sees them).
ALL_CODE_POINTS = "".join(map(chr, range(sys.maxunicode + 1)))


def test_the_seed_matches_exactly_the_code_points_pyyaml_forbids() -> None:
    # re.UNICODE is the default for str patterns: the same pattern under another cache key,
    # so this compiles PyYAML's own text, not the seed.
    pyyaml = re.compile(yamlstart.PYYAML_NON_PRINTABLE, re.UNICODE)
    seed = re.compile(yamlstart.FORBIDDEN, re.UNICODE)
    assert pyyaml.findall(ALL_CODE_POINTS) == seed.findall(ALL_CODE_POINTS)
    assert len(seed.findall(ALL_CODE_POINTS)) == 2111


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_pyyaml_still_compiles_the_text_the_seed_is_filed_under() -> None:
    # Without the package imported first: PyYAML's own regex, as this PyYAML writes it.
    pattern = _run("import yaml; print(ascii(yaml.reader.Reader.NON_PRINTABLE.pattern))")
    assert pattern == ascii(yamlstart.PYYAML_NON_PRINTABLE)


def test_importing_the_package_first_gives_pyyaml_the_seed() -> None:
    pattern = _run("import wizard, yaml; print(ascii(yaml.reader.Reader.NON_PRINTABLE.pattern))")
    assert pattern == ascii(yamlstart.FORBIDDEN)


def test_with_pyyaml_imported_the_seed_changes_nothing() -> None:
    import yaml.reader  # noqa: F401  (PyYAML imported: the case under test)

    assert yamlstart.seed_pyyaml_reader() is False


@pytest.mark.parametrize("char", ["\x07", "\x7f", "\x9f", "\ufffe"])
def test_pyyaml_s_reader_refuses_what_it_refused(char: str) -> None:
    code = (
        "import wizard, yaml\n"
        f"try:\n    yaml.load({('a: b' + char)!r}, Loader=yaml.SafeLoader)\n"
        "except yaml.reader.ReaderError as exc:\n    print('refused', exc.character)\n"
    )
    assert _run(code) == f"refused {ord(char)}"
