"""The compiled forms of the catalog YAML files (``wizard.catalog.data``): the same data as the
YAML, used only when made from the YAML as it is, and never a changed copy of it."""

from __future__ import annotations

import datetime
import json
import pickle
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from wizard.catalog import data, kinds
from wizard.catalog.data import (
    _same,
    catalog_yaml,
    compile_catalogs,
    compile_yaml,
    compiled_name,
    parse_catalog_yaml,
)

CATALOGS = Path(__file__).resolve().parent.parent / "catalogs"
YAML_FILES = sorted(
    p.relative_to(CATALOGS).as_posix()
    for p in CATALOGS.rglob("*.yaml")
    if p.relative_to(CATALOGS).parts[0] != "compiled"
)


@pytest.fixture
def catalogs(tmp_path, monkeypatch) -> Path:
    """A copy of ``catalogs/`` (without compiled forms) that the accessor reads."""
    root = tmp_path / "catalogs"
    shutil.copytree(CATALOGS, root, ignore=shutil.ignore_patterns("compiled", "__pycache__"))
    monkeypatch.setattr(data, "catalog_root", lambda: root)
    catalog_yaml.cache_clear()
    yield root
    catalog_yaml.cache_clear()


def parsed_names(monkeypatch) -> list[str]:
    """The names the accessor parses as YAML from now on (spied)."""
    seen: list[str] = []
    real = data.parse_catalog_yaml

    def spy(name: str, text: str):
        seen.append(name)
        return real(name, text)

    monkeypatch.setattr(data, "parse_catalog_yaml", spy)
    return seen


def test_every_catalog_file_reads_the_same_from_its_compiled_form(catalogs, monkeypatch):
    assert "kinds.yaml" in YAML_FILES and "managed/index.yaml" in YAML_FILES
    written = compile_catalogs(catalogs, catalogs)
    assert sorted(p.relative_to(catalogs).as_posix() for p in written) == sorted(
        [*(compiled_name(n) for n in YAML_FILES), kinds.COMPILED]
    )
    parsed = parsed_names(monkeypatch)
    for name in YAML_FILES:
        text = (catalogs / name).read_text(encoding="utf-8")
        assert _same(catalog_yaml(name), parse_catalog_yaml(name, text)), name
    assert parsed == []  # every one came from its compiled form


def test_without_compiled_forms_the_yaml_is_parsed(catalogs, monkeypatch):
    parsed = parsed_names(monkeypatch)
    assert catalog_yaml("kinds.yaml")["kinds"]
    assert parsed == ["kinds.yaml"]


@pytest.mark.parametrize("edit", ["value", "comment", "same-length"])
def test_a_compiled_form_made_from_another_text_is_not_used(catalogs, monkeypatch, edit):
    compile_catalogs(catalogs, catalogs)
    path = catalogs / "kinds.yaml"
    text = path.read_text(encoding="utf-8")
    title = yaml.safe_load(text)["kinds"]["dynamodb-table"]["title"]
    if edit == "value":
        text = text.replace(title, title + " (edited)", 1)
    elif edit == "comment":
        text += "\n# a comment changes no data, but the text is not the one compiled\n"
    else:  # the same length: the checksum, not the size, tells
        text = text.replace(title, title[::-1], 1)
    path.write_text(text, encoding="utf-8")
    parsed = parsed_names(monkeypatch)
    got = catalog_yaml("kinds.yaml")["kinds"]["dynamodb-table"]["title"]
    assert parsed == ["kinds.yaml"]
    assert got == yaml.safe_load(text)["kinds"]["dynamodb-table"]["title"]


@pytest.mark.parametrize("broken", ["", "{", "[]", '{"source": [1, 2]}', '{"data": 1}'])
def test_a_broken_compiled_form_is_not_used(catalogs, monkeypatch, broken):
    target = catalogs / compiled_name("kinds.yaml")
    target.parent.mkdir(parents=True)
    target.write_text(broken, encoding="utf-8")
    parsed = parsed_names(monkeypatch)
    assert catalog_yaml("kinds.yaml")["kinds"]
    assert parsed == ["kinds.yaml"]


JSON_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(JSON_LIKE)
def test_compiling_keeps_any_json_like_data_exactly(value):
    """The compiled data is what parsing the text gives, types and key order included."""
    text = yaml.safe_dump({"value": value}, allow_unicode=True, sort_keys=False)
    held = json.loads(compile_yaml("x.yaml", text))
    assert _same(held["data"], parse_catalog_yaml("x.yaml", text))


@pytest.mark.parametrize(
    "text", ["when: 2026-12-02", "{1: one}", "{true: yes}", "stamp: 2026-12-02T04:00:00Z"]
)
def test_data_json_cannot_hold_is_refused_not_changed(text):
    assert not isinstance(yaml.safe_load(text), str | datetime.date)  # YAML reads a non-text
    with pytest.raises((ValueError, TypeError)):
        compile_yaml("x.yaml", text)


# --------------------------------------------------------------------------- the catalog's models
# ``compiled/kinds.yaml.pickle``: the validated Catalog, used when made from this text with these
# models (wizard.catalog.kinds).


@pytest.fixture
def compiled_catalog(catalogs, monkeypatch) -> Path:
    """The copy of ``catalogs/`` compiled; the catalog's cache cleared around the test."""
    compile_catalogs(catalogs, catalogs)
    kinds.catalog.cache_clear()
    yield catalogs
    kinds.catalog.cache_clear()


def validations(monkeypatch) -> list[object]:
    """The data :class:`~wizard.catalog.kinds.Catalog` validates from now on (spied)."""
    seen: list[object] = []
    real = kinds.Catalog.model_validate

    def spy(obj, *args, **kwargs):
        seen.append(obj)
        return real(obj, *args, **kwargs)

    monkeypatch.setattr(kinds.Catalog, "model_validate", spy)
    return seen


def test_the_compiled_catalog_equals_the_validated_one_and_is_used(compiled_catalog, monkeypatch):
    text = (compiled_catalog / "kinds.yaml").read_text(encoding="utf-8")
    validated = kinds.Catalog.model_validate(parse_catalog_yaml("kinds.yaml", text))
    seen = validations(monkeypatch)
    held = kinds.catalog()
    assert seen == []  # not validated again: unpickled
    assert type(held) is kinds.Catalog and held == validated
    assert held.model_dump() == validated.model_dump()
    assert held.kind("dynamodb-table").fields["kms_key"] == kinds.kms_key_field()


def test_without_the_compiled_catalog_the_yaml_is_validated(catalogs, monkeypatch):
    kinds.catalog.cache_clear()
    seen = validations(monkeypatch)
    try:
        assert kinds.catalog().kinds
    finally:
        kinds.catalog.cache_clear()
    assert len(seen) == 1


@pytest.mark.parametrize("change", ["yaml", "models", "pydantic", "broken", "header", "type"])
def test_a_compiled_catalog_not_made_from_these_is_not_used(compiled_catalog, monkeypatch, change):
    """Made from another text, other models or another pydantic, or broken: validated instead."""
    target = compiled_catalog / kinds.COMPILED
    if change == "yaml":
        path = compiled_catalog / "kinds.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    elif change == "models":
        edited = compiled_catalog / "kinds_models.py"
        edited.write_bytes(Path(kinds.__file__).read_bytes() + b"\n# edited\n")
        monkeypatch.setattr(kinds, "__file__", str(edited))
    elif change == "pydantic":
        monkeypatch.setattr(kinds.pydantic, "VERSION", "0.0.1")
    elif change == "broken":
        target.write_bytes(target.read_bytes()[:-100])
    elif change == "header":
        target.write_bytes(b"{not json" + target.read_bytes())
    else:  # a stamp that fits, over something that is not a Catalog
        header = target.read_bytes().partition(b"\n")[0]
        target.write_bytes(header + b"\n" + pickle.dumps({"kinds": {}}))
    seen = validations(monkeypatch)
    assert kinds.catalog().kinds["dynamodb-table"]
    assert len(seen) == 1


def test_a_catalog_the_models_refuse_is_not_compiled(catalogs):
    path = catalogs / "kinds.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("version:", "versio:", 1))
    with pytest.raises(ValueError):
        compile_catalogs(catalogs, catalogs)
