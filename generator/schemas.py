"""JSON Schema validation, with every error said in Chinese by the field's form label."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path as FsPath
from typing import TYPE_CHECKING

import fastjsonschema

from generator.yamlio import Document

if TYPE_CHECKING:  # jsonschema is imported only when a document is invalid (start-up time)
    from jsonschema import Draft202012Validator, ValidationError

SCHEMA_DIR = FsPath(__file__).resolve().parent.parent / "schemas"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _is_real_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(_DATE.fullmatch(value)) and bool(dt.date.fromisoformat(value))


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    line: int | None
    message: str


@cache
def load_schema(name: str) -> dict:
    with open(SCHEMA_DIR / f"{name}.schema.json", encoding="utf-8") as handle:
        return json.load(handle)


@cache
def validator(name: str) -> Draft202012Validator:
    """jsonschema, which explains every error; loaded on first use, since valid
    documents never need it."""
    from jsonschema import Draft202012Validator, FormatChecker

    format_checker = FormatChecker(formats=())
    format_checker.checks("date", raises=ValueError)(_is_real_date)
    return Draft202012Validator(load_schema(name), format_checker=format_checker)


def _as_draft7(node: object) -> object:
    if isinstance(node, dict):
        return {
            ("dependencies" if key == "dependentRequired" else key): _as_draft7(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_as_draft7(item) for item in node]
    return node


@cache
def _fast_validator(name: str) -> Callable[[object], object]:
    """The same schema compiled to Python by fastjsonschema: a yes/no answer ten times
    faster than jsonschema. Draft 2020-12's only keyword we use that fastjsonschema
    lacks, dependentRequired, is draft-07's `dependencies` with a list."""
    schema = _as_draft7(load_schema(name))
    assert isinstance(schema, dict)
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    return fastjsonschema.compile(
        schema,
        use_default=False,  # never fill in data
        formats={"date": _fast_date},
        detailed_exceptions=False,
    )


def _fast_date(value: str) -> bool:
    try:
        return _is_real_date(value)
    except ValueError:
        return False


def is_valid(name: str, data: object) -> bool:
    try:
        _fast_validator(name)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def _resolve(schema: dict, root: dict) -> dict:
    while "$ref" in schema and schema["$ref"].startswith("#/$defs/"):
        merged = dict(root["$defs"][schema["$ref"].removeprefix("#/$defs/")])
        merged.update({k: v for k, v in schema.items() if k != "$ref"})
        schema = merged
    return schema


def _subschemas(root: dict, path: Sequence[str | int]) -> Iterator[tuple[str | int, dict]]:
    schema = _resolve(root, root)
    for step in path:
        if isinstance(step, int):
            schema = _resolve(schema.get("items", {}), root)
        else:
            schema = _resolve(schema.get("properties", {}).get(step, {}), root)
        yield step, schema


def label(root: dict, path: Sequence[str | int]) -> str:
    """「列席旁听记录（第1条）› 记录表报送日期」: the form's words for a data path."""
    parts: list[str] = []
    for step, schema in _subschemas(root, path):
        if isinstance(step, int):
            if parts:
                parts[-1] = f"{parts[-1]}（第{step + 1}条）"
            continue
        parts.append(schema.get("title") or str(step))
    return " › ".join(parts) if parts else "文件内容"


def _field(root: dict, path: Sequence[str | int]) -> str:
    key = next((s for s in reversed(path) if isinstance(s, str)), None)
    return f"「{label(root, path)}」" + (f"（{key}）" if key else "")


_PATTERN_HINTS: dict[str, str] = {
    "^([01]?[0-9]|2[0-3]):[0-5][0-9]$": "应写成 14:30 或 9:30 这样的时间（英文冒号，时 0–23，分 00–59）",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "应写成 2025-10-15 这样的日期（四位年-两位月-两位日）",
    "^[a-z][a-z0-9-]{1,31}$": "应是 org.yaml 里的编号：小写字母开头，只含小写字母、数字和 -，如 kjxy",
    "^[0-9]{4}-(0[1-9]|1[0-2])$": "应写成 2026-01 这样的月份",
    "^[a-z0-9][a-z0-9-]{0,31}$": "只能用小写字母、数字和 -（它也是网页地址的一部分），如 2025-2026-1",
    "^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$": "应写成 03-31 这样的月-日",
}


def _dependent_reason(path: Sequence[str | int], trigger: str) -> str:
    """Why a filled-in key needs others (dependentRequired), in the form's words."""
    if trigger == "rectify_by":
        return "要求整改就要写明问题和建议，"
    if path and path[-1] == "rectification":
        return "说明整改情况已报送，"
    return "说明记录表已报送，"


def _shown(value: object) -> str:
    if value is None:
        return "空"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "映射" if isinstance(value, dict) else "列表"
    text = str(value)
    return f"「{text[:40]}{'…' if len(text) > 40 else ''}」"


_TYPE_NAMES = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "boolean": " true 或 false（不能写 yes、no、是、否）",
    "object": "“字段: 值”的映射",
    "array": "列表（每项以“- ”开头）",
}


def _error_problems(
    error: ValidationError, root: dict, document: Document
) -> Iterator[SchemaProblem]:
    path = list(error.absolute_path)
    kind = error.validator
    if kind == "required":
        yield from _required_problems(error, root, document, path)
    elif kind == "additionalProperties":
        yield from _unknown_key_problems(error, root, document, path)
    elif kind == "dependentRequired":
        line = document.line(path)
        for trigger, needed in error.validator_value.items():
            if trigger in error.instance:
                absent = [k for k in needed if k not in error.instance]
                names = "、".join(_field(root, [*path, k]) for k in absent)
                yield SchemaProblem(
                    line,
                    f"{_field(root, [*path, trigger])}已填写，{_dependent_reason(path, trigger)}"
                    f"还需要填写{names}。",
                )
    else:
        yield SchemaProblem(document.line(path), _value_message(error, root, path))


def _required_problems(
    error: ValidationError, root: dict, document: Document, path: list
) -> Iterator[SchemaProblem]:
    instance = error.instance
    parent_line = document.line(path)
    allowed = list(_resolve_at(root, path).get("properties", {}))
    misspelt = {_closest(str(k), allowed): str(k) for k in instance if k not in allowed}
    for key in error.validator_value:
        if key in instance:
            continue
        where = f"{_field(root, path)}中" if path else ""
        hint = "请补上。"
        if key in misspelt:  # the schema sees two errors; say they are one typo
            typo = misspelt[key]
            hint = f"第 {document.line([*path, typo], key=True)} 行的「{typo}」是不是它的拼写错误？请改为「{key}」。"
        yield SchemaProblem(parent_line, f"{where}缺少必填字段{_field(root, [*path, key])}。{hint}")


def _unknown_key_problems(
    error: ValidationError, root: dict, document: Document, path: list
) -> Iterator[SchemaProblem]:
    allowed = list(_resolve_at(root, path).get("properties", {}))
    for key in error.instance:
        if key in allowed:
            continue
        line = document.line([*path, key], key=True)
        guess = _closest(str(key), allowed)
        hint = (
            f"是不是想写「{guess}」（{label(root, [*path, guess])}）？"
            if guess
            else f"这里可以写的字段有：{'、'.join(allowed)}。"
        )
        yield SchemaProblem(line, f"不认识的字段「{key}」。{hint}")


_BOUND_WORDS = {
    "minimum": "不能小于 {}",
    "exclusiveMinimum": "应大于 {}",
    "maximum": "不能大于 {}",
    "exclusiveMaximum": "应小于 {}",
}


def _value_message(error: ValidationError, root: dict, path: list) -> str:
    """What is wrong with one value, in the form's words."""
    what = _field(root, path)
    instance = error.instance
    kind = error.validator
    if kind == "type":
        return _type_message(error, path, what)
    if kind == "pattern":
        hint = _PATTERN_HINTS.get(error.validator_value)
        if hint is None and path and path[-1] == "phone":
            hint = "应为电话号码，如 0931-1234567 或 13900000000（只写数字和 -）"
        extra = ""
        if isinstance(instance, str) and "：" in instance:
            extra = "（注意：冒号要用英文半角“:”，不能用中文全角“：”）"
        return f"{what}写的是{_shown(instance)}，{hint or '格式不对'}。{extra}"
    if kind == "format":
        return f"{what}写的是{_shown(instance)}，这一天不存在。请写成实际的日期，如 2025-10-15。"
    if kind == "enum":
        options = "、".join(str(v) for v in error.validator_value)
        return f"{what}写的是{_shown(instance)}，只能是：{options}。"
    if kind in _BOUND_WORDS:
        return f"{what}写的是 {instance}，{_BOUND_WORDS[kind].format(error.validator_value)}。"
    if kind == "minLength":
        return f"{what}不能为空，请填写。"
    if kind == "maxLength":
        return f"{what}太长了，最多 {error.validator_value} 个字。"
    if kind == "minItems":
        return f"{what}至少要写 {error.validator_value} 项。"
    return f"{what}不符合要求：{error.message}"


def _type_message(error: ValidationError, path: list, what: str) -> str:
    instance = error.instance
    expected = error.validator_value
    names = "或".join(
        _TYPE_NAMES.get(t, t) for t in ([expected] if isinstance(expected, str) else expected)
    )
    if not path and instance is None:
        return "文件是空的。请按填报指南写入一次学习的各个字段。"
    if not path:
        return f"文件内容应是“字段: 值”的映射，现在是{_shown(instance)}。请按填报指南的格式填写。"
    message = f"{what}应为{names}，现在是{_shown(instance)}。"
    if (
        isinstance(instance, str)
        and instance.isascii()
        and instance.isdigit()
        and "integer" in str(expected)
    ):  # no int(): a 5000-digit string is over Python's conversion limit
        digits = instance.lstrip("0") or "0"
        shown = digits if len(digits) <= 12 else f"{digits[:12]}…"
        message += f"数字前面不要加 0，请写 {shown}。"
    return message


def _closest(key: str, allowed: list[str]) -> str | None:
    guesses = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return guesses[0] if guesses else None


def _resolve_at(root: dict, path: Sequence[str | int]) -> dict:
    schema = _resolve(root, root)
    for _, sub in _subschemas(root, path):
        schema = sub
    return schema


def validate(name: str, document: Document) -> list[SchemaProblem]:
    """All schema problems of one document, each with the line of the value."""
    if is_valid(name, document.data):
        return []
    # Only an invalid document pays for jsonschema, which explains every error.
    checker = validator(name)
    root = load_schema(name)
    problems: list[SchemaProblem] = []
    for error in sorted(
        checker.iter_errors(document.data), key=lambda e: list(map(str, e.absolute_path))
    ):
        problems.extend(_error_problems(error, root, document))
    return problems
