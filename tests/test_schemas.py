"""The schemas themselves: valid draft 2020-12, labelled for the forms, and one verdict
from both validators (fastjsonschema answers yes/no, jsonschema explains)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from generator import schemas
from generator.site.view import SAFE_ID
from generator.yamlio import parse

SCHEMA_FILES = sorted(schemas.SCHEMA_DIR.glob("*.schema.json"))
SAMPLES = Path(__file__).resolve().parent.parent / "records"
CASES = Path(__file__).resolve().parent / "cases"


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_schema_is_valid_against_the_metaschema(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def _properties(node: object, where: str = "") -> Iterator[tuple[str, dict]]:
    if isinstance(node, dict):
        for name, sub in (node.get("properties") or {}).items():
            yield f"{where}.{name}", sub
        for key, value in node.items():
            yield from _properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for item in node:
            yield from _properties(item, where)


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_every_property_has_a_chinese_title_and_a_description(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    for where, prop in _properties(schema):
        assert prop.get("title"), f"{where} has no title"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in prop["title"]), (
            f"{where} title is not Chinese"
        )
        assert prop.get("description"), f"{where} has no description"


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_every_object_rejects_unknown_keys(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))

    def objects(node: object) -> Iterator[dict]:
        if isinstance(node, dict):
            if "properties" in node:
                yield node
            for value in node.values():
                yield from objects(value)
        elif isinstance(node, list):
            for item in node:
                yield from objects(item)

    for obj in objects(schema):
        assert obj.get("additionalProperties") is False, sorted(obj["properties"])


def _sample(name: str) -> dict:
    path = {
        "org": SAMPLES / "org.yaml",
        "plan": CASES
        / "plan-late"
        / "near-miss-on-due-day"
        / "records"
        / "plans"
        / "kjxy"
        / "2026.yaml",
    }.get(name) or next((SAMPLES / "sessions").rglob("*.yaml"))
    data = parse(path.read_bytes()).data
    assert isinstance(data, dict)
    return data


MUTATIONS = st.sampled_from(
    [
        None,
        "",
        "x",
        "2025-02-30",
        "2025-10-15",
        "9:30",
        "14：30",
        0,
        1,
        -1,
        1.5,
        True,
        [],
        {},
        ["a"],
        {"title": "t"},
    ]
)


def _paths(data: object, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


@pytest.mark.parametrize("name", ["session", "org", "plan"])
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_fast_and_full_validators_agree(name: str, data: st.DataObject) -> None:
    document = copy.deepcopy(_sample(name))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(document)))
        target = document
        for step in path[:-1]:
            target = target[step]
        if data.draw(st.booleans()) and isinstance(target, dict):
            target.pop(path[-1], None)
        else:
            target[path[-1]] = copy.deepcopy(data.draw(MUTATIONS))
        if isinstance(target, dict) and data.draw(st.booleans()):
            target["unknown_" + str(len(path))] = 1
    full = schemas.validator(name).is_valid(document)
    assert schemas.is_valid(name, document) == full


def _id_patterns(node: object, root: dict) -> Iterator[str]:
    """Every pattern of a property named id, unit or group: these become URLs."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("id", "unit", "group") and isinstance(value, dict):
                resolved = schemas._resolve(value, root)
                if "pattern" in resolved:
                    yield resolved["pattern"]
            yield from _id_patterns(value, root)
    elif isinstance(node, list):
        for item in node:
            yield from _id_patterns(item, root)


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_ids_the_schema_allows_are_ids_the_site_can_use(path: Path, data: st.DataObject) -> None:
    """An id that passes check must not fail build (safe_id): issue 8."""
    schema = json.loads(path.read_text(encoding="utf-8"))
    patterns = list(_id_patterns(schema, schema))
    assert patterns
    for pattern in patterns:
        value = data.draw(st.from_regex(pattern, fullmatch=True))
        assert SAFE_ID.fullmatch(value), (pattern, value)
