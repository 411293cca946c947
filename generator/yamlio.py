"""The one strict YAML loader: libyaml parses, our own rules turn nodes into data.

Records are written by hand on Chinese Windows by people who are not
programmers, so the loader is strict where silence would lose data (duplicate
keys, anchors, encodings) and keeps every scalar as written unless it is
plainly a boolean, null or decimal number (see records.md, "How YAML is read").
Nodes are kept so that any finding can point at the line of a value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from generator.ruleids import Rule

try:  # libyaml's C parser: about ten times faster than the pure-Python one.
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - a PyYAML built without libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _PyParser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _PyParser.__init__(self)
            Composer.__init__(self)


MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """A reason a file could not be read as data; becomes a Finding upstream."""

    rule: str
    line: int | None
    message: str


@dataclass(slots=True)
class Document:
    """Parsed data plus the node tree it came from, for line look-ups."""

    data: object
    root: Node | None
    problems: list[YamlProblem] = field(default_factory=list)

    def line(self, path: Sequence[str | int], *, key: bool = False) -> int | None:
        """1-based line of the value at `path` (or of its key), or of the nearest parent."""
        return node_line(self.root, path, key=key)


class _NodeOnlyLoader(_Parser, BaseResolver):
    """Composes nodes without implicit typing: every scalar is tagged str here
    and typed by `_scalar` below, so YAML 1.1 surprises (sexagesimal 14:30,
    `no` as false, octal 0931, dates) never happen."""

    def __init__(self, stream: str | bytes) -> None:
        _Parser.__init__(self, stream)
        BaseResolver.__init__(self)

    def resolve(self, kind: type[Node], value: object, implicit: object) -> str:
        """Every node gets its kind's plain tag: `_construct` types scalars itself and
        tags are refused from the events, so the resolver's general search (a Python
        call per node) can be skipped."""
        return _PLAIN_TAGS[kind]


_PLAIN_TAGS: dict[type[Node], str] = {
    ScalarNode: BaseResolver.DEFAULT_SCALAR_TAG,
    SequenceNode: BaseResolver.DEFAULT_SEQUENCE_TAG,
    MappingNode: BaseResolver.DEFAULT_MAPPING_TAG,
}


_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
# Longer numbers stay text (the schema then says a number is expected, at its line):
# Python refuses to convert more than 4,300 digits, a decimal past 308 digits is
# infinite, and no record holds a number anywhere near this long.
_MAX_DIGITS = 100
_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUES = frozenset({"true", "True", "TRUE"})
_FALSES = frozenset({"false", "False", "FALSE"})
# An upper bound of block nesting per line: indentation and indicators.
_LEADING_INDICATORS = re.compile(rb"^[ \t?:\-]*", re.MULTILINE)
# Anchors, aliases and tags: only then are the events scanned for them.
_PROPERTY = re.compile(r"[&*!]")
# A line of spaces and Tabs only: an empty line. libyaml refuses a Tab where it expects
# indentation, so a blank line holding a Tab was a "Tab indentation" error on a line
# that looks empty; emptying it loses nothing (the line numbers stay).
_BLANK_WITH_TAB = re.compile(rb"^[ \t]*\t[ \t]*(?=\r?$)", re.MULTILINE)
_CORE_TAG = "tag:yaml.org,2002:"


def _scalar(node: ScalarNode) -> object:
    value = node.value
    if node.style:  # quoted or block scalar: always text (plain is None or "")
        return value
    if value in _NULLS:
        return None
    if value in _TRUES:
        return True
    if value in _FALSES:
        return False
    if len(value) > _MAX_DIGITS:
        return value  # never int() it: see _MAX_DIGITS
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    return value


def decode(raw: bytes) -> tuple[str | None, YamlProblem | None]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        return None, YamlProblem(
            Rule.FILE_ENCODING,
            line,
            f"文件不是 UTF-8 编码（第 {line} 行起无法识别，常见于用 GBK/GB2312 保存的文件）。"
            "请用记事本或 VS Code 打开，另存为 UTF-8 编码后再提交。",
        )
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, YamlProblem(
            Rule.FILE_ENCODING,
            line,
            f"第 {line} 行含有空字符（\\0），这不是文本文件或编码不对。请另存为 UTF-8 编码的文本文件。",
        )
    return text, None


def _may_be_deep(raw: bytes) -> bool:
    """Cheap upper bound on nesting depth: flow brackets plus block indicators."""
    brackets = raw.count(b"[") + raw.count(b"{")
    if brackets > MAX_DEPTH // 2:
        return True
    longest = max((len(m.group()) for m in _LEADING_INDICATORS.finditer(raw)), default=0)
    return 2 * longest + brackets + 4 > MAX_DEPTH


def _tag_as_written(tag: str) -> str:
    if tag.startswith(_CORE_TAG):
        return "!!" + tag.removeprefix(_CORE_TAG)
    return tag if tag.startswith("!") else f"!<{tag}>"


def _tag_problem(line: int, tag: str) -> YamlProblem:
    shown = _tag_as_written(tag)
    return YamlProblem(
        Rule.YAML_SYNTAX,
        line,
        f"第 {line} 行使用了 YAML 标签「{shown}」。记录不需要任何标签，本程序也不按标签"
        f"改变值的类型：请删除「{shown}」，只写值本身（要写成文字时加英文引号，如 '23'）；"
        "内容本身以 ! 开头时也请给整段内容加英文引号。",
    )


def _scan_events(text: str, check_depth: bool) -> list[YamlProblem]:
    """Walk libyaml's events (iterative, no recursion) for depth, anchors and tags.

    Anchors and aliases make one finding per file, at the first of them: one
    mistake (usually copy-paste from a template), however often it repeats.
    Every tag (`!!str`, `!`, `!foo`) is a finding at its line: the composed node
    cannot tell `!!str 23` from `23`, so only the events show them."""
    marks: list[tuple[int, str]] = []
    tags: list[YamlProblem] = []
    depth = 0
    loader = _NodeOnlyLoader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line + 1
            if getattr(event, "tag", None):
                tags.append(_tag_problem(line, event.tag))
            if isinstance(event, yaml.AliasEvent):
                marks.append((line, f"*{event.anchor}"))
            elif getattr(event, "anchor", None):
                marks.append((line, f"&{event.anchor}"))
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if check_depth and depth > MAX_DEPTH:
                    return [
                        YamlProblem(
                            Rule.YAML_SYNTAX,
                            line,
                            f"第 {line} 行嵌套层级过深（超过 {MAX_DEPTH} 层），"
                            "记录不需要这么多层，请检查缩进和括号。",
                        )
                    ]
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass  # reported by the composing pass
    if not marks:
        return tags
    line, first = marks[0]
    alias = YamlProblem(
        Rule.YAML_ALIAS,
        line,
        f"第 {line} 行使用了锚点或别名（{first}）。记录中不允许 & 锚点和 * 别名："
        "请删除这些标记，把要重复的内容直接写出来；内容本身以 & 或 * 开头时请加英文引号。",
    )
    return sorted([alias, *tags], key=lambda p: p.line or 0)


def too_large(size: int) -> Document:
    message = (
        f"文件大小 {size / 1024 / 1024:.1f} MiB，超过 1 MiB 上限。"
        "一次学习的记录不会这么大，请检查是否误粘贴了大段内容或附件。"
    )
    return Document(None, None, [YamlProblem(Rule.FILE_TOO_LARGE, None, message)])


def parse(raw: bytes) -> Document:
    """Bytes → Document. Never raises for any input; problems are collected."""
    if len(raw) > MAX_BYTES:
        return too_large(len(raw))
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    if b"\t" in raw:
        raw = _BLANK_WITH_TAB.sub(b"", raw)
    text, problem = decode(raw)
    if text is None:
        return Document(None, None, [problem] if problem else [])
    deep = _may_be_deep(raw)
    if deep or _PROPERTY.search(text):
        problems = _scan_events(text, check_depth=deep)
        if problems:
            return Document(None, None, problems)
    try:
        # libyaml reads validated UTF-8 bytes faster than a Python str
        root = _NodeOnlyLoader(raw).get_single_node()
    except yaml.MarkedYAMLError as err:
        return Document(None, None, [_syntax_problem(err, text)])
    except yaml.YAMLError as err:
        return Document(None, None, [YamlProblem(Rule.YAML_SYNTAX, None, f"YAML 格式错误：{err}")])
    if root is None:
        return Document(None, None)
    problems: list[YamlProblem] = []
    data = _construct(root, problems)
    return Document(data, root, problems)


def _construct(node: Node, problems: list[YamlProblem]) -> object:
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, SequenceNode):
        return [_construct(item, problems) for item in node.value]
    if isinstance(node, MappingNode):
        result: dict[object, object] = {}
        for key_node, value_node in node.value:
            key = _construct(key_node, problems)
            if isinstance(key, (list, dict)):
                line = key_node.start_mark.line + 1
                problems.append(
                    YamlProblem(
                        Rule.YAML_SYNTAX,
                        line,
                        f"第 {line} 行的字段名不是文字（是列表或映射），请检查这一行的写法。",
                    )
                )
                continue
            if key in result:
                line = key_node.start_mark.line + 1
                first = next(k for k, _ in node.value if _construct(k, []) == key)
                problems.append(
                    YamlProblem(
                        Rule.YAML_DUPLICATE_KEY,
                        line,
                        f"第 {line} 行的字段「{key}」重复了（第 {first.start_mark.line + 1} 行已经写过）。"
                        "同一层里每个字段只能写一次，请删除或合并其中一个。",
                    )
                )
            result[key] = _construct(value_node, problems)
        return result
    raise TypeError(f"unexpected node {node!r}")  # pragma: no cover


# libyaml's problems, in the words a liaison can act on.
_SYNTAX_HINTS: tuple[tuple[str, str], ...] = (
    (
        "found character '\\t'",
        "这一行用了制表符（Tab）缩进。YAML 只能用空格缩进，请把 Tab 换成空格。",
    ),
    (
        "found character that cannot start any token",
        "这一行以不能出现在开头的字符开始（如 Tab、@、`）。请用空格缩进，必要时给内容加英文引号。",
    ),
    (
        "found unexpected end of stream",
        "文件在引号或括号还没闭合时就结束了，请检查引号、括号是否成对。",
    ),
    (
        "found unknown escape character",
        "双引号里的反斜杠 \\ 后面跟了不认识的字符。请改用单引号，或写成 \\\\。",
    ),
    ("while scanning a quoted scalar", "引号没有闭合，请检查这一行的英文引号是否成对。"),
    (
        "mapping values are not allowed in this context",
        "这一行的缩进比上一行多，或上一行的值后面不能再接“字段: 值”。请对齐缩进。",
    ),
    (
        "mapping values are not allowed here",
        "这一行多了一个冒号“: ”，或者缩进不对。内容里有冒号时，请给整段内容加英文引号。",
    ),
    ("could not find expected ':'", "这一行缺少“字段: 值”中的英文冒号，或者上一行的缩进不对。"),
    (
        "did not find expected key",
        "缩进没有对齐：同一层的字段应左对齐，请检查这一行和上一行的空格数。",
    ),
    ("did not find expected '-' indicator", "列表项没有对齐：同一列表的“- ”应左对齐。"),
    (
        "expected a single document",
        "文件里有多个文档（出现了 ---）。每个文件只写一次学习，请删除多余的 ---。",
    ),
    (
        "but found another document",
        "文件里有多个文档（出现了 ---）。每个文件只写一次学习，请删除多余的 ---。",
    ),
    ("found undefined tag handle", "这一行用了 ! 开头的标签，记录中不需要，请删除或给内容加引号。"),
    ("while scanning an alias", "这一行的 * 被当成了别名。内容以 * 开头时请加英文引号。"),
    ("while scanning an anchor", "这一行的 & 被当成了锚点。内容以 & 开头时请加英文引号。"),
    ("found character '%'", "内容以 % 开头时请加英文引号。"),
    ("expected ',' or '}'", "花括号 { } 没有成对，或括号里的两项之间少了英文逗号。"),
    ("expected ',' or ']'", "方括号 [ ] 没有成对，或括号里的两项之间少了英文逗号。"),
)


def _syntax_problem(err: yaml.MarkedYAMLError, source: str) -> YamlProblem:
    mark = err.problem_mark or err.context_mark
    line = mark.line + 1 if mark else None
    text = f"{err.context or ''} {err.problem or ''}"
    lines = source.splitlines()
    if line and line <= len(lines):
        row = lines[line - 1]
        if "\t" in row[: len(row) - len(row.lstrip(" \t"))]:
            text = "found character '\\t'"  # a Tab in the indentation: say so plainly
    hint = next((h for needle, h in _SYNTAX_HINTS if needle in text), None)
    if hint is None:
        hint = "请检查这一行的缩进、冒号和引号。"
    where = f"第 {line} 行" if line else "文件中"
    return YamlProblem(
        Rule.YAML_SYNTAX, line, f"{where} YAML 格式错误：{hint}（{(err.problem or '').strip()}）"
    )


def node_line(root: Node | None, path: Sequence[str | int], *, key: bool = False) -> int | None:
    """Line of the node at `path`; the deepest existing ancestor when the path ends early."""
    if root is None:
        return None
    node = root
    found: Node = root
    key_node: Node | None = None
    for step in path:
        key_node = None
        child: Node | None = None
        if isinstance(node, MappingNode):
            for k, v in node.value:
                # the raw text first: typing every key of every mapping on the way is slow
                if isinstance(k, ScalarNode) and k.value == str(step) and _scalar(k) == step:
                    key_node, child = k, v
                    break
        elif (
            isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value)
        ):
            child = node.value[step]
        if child is None:
            return found.start_mark.line + 1
        node = found = child
    if key and key_node is not None:
        return key_node.start_mark.line + 1
    return found.start_mark.line + 1


def iter_mapping_keys(root: Node | None, path: Path) -> Iterator[tuple[str, int]]:
    """(key, line) for every key of the mapping at `path`."""
    node = root
    for step in path:
        if isinstance(node, MappingNode):
            node = next((v for k, v in node.value if _scalar(k) == step), None)
        elif isinstance(node, SequenceNode) and isinstance(step, int):
            node = node.value[step] if 0 <= step < len(node.value) else None
        else:
            node = None
    if isinstance(node, MappingNode):
        for k, _ in node.value:
            yield str(_scalar(k)), k.start_mark.line + 1
