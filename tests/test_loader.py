"""The strict loader: scalar typing, hostile input, and never an exception."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.yamlio import MAX_BYTES, parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-10-15", "2025-10-15"),
        ("14:30", "14:30"),
        ("9:30", "9:30"),
        ("no", "no"),
        ("off", "off"),
        ("yes", "yes"),
        ("0931", "0931"),
        ("+8613912345678", "+8613912345678"),
        ("0o17", "0o17"),
        ("0x1F", "0x1F"),
        ("1e3", "1e3"),
        (".5", ".5"),
        ("1_000", "1_000"),
        ("13912345678", 13912345678),
        ("0", 0),
        ("-3", -3),
        ("15", 15),
        ("0.9", 0.9),
        ("-0.5", -0.5),
        ("true", True),
        ("false", False),
        ("True", True),
        ("null", None),
        ("~", None),
        ("", None),
        ("'15'", "15"),
        ('"true"', "true"),
    ],
)
def test_scalars_stay_as_written(text: str, expected: object) -> None:
    document = parse(f"value: {text}\n".encode())
    assert document.problems == []
    assert document.data == {"value": expected}
    assert type(document.data["value"]) is type(expected)


def _rules(raw: bytes) -> list[tuple[str, int | None]]:
    return [(p.rule, p.line) for p in parse(raw).problems]


def test_duplicate_key_reported_at_the_repeat() -> None:
    raw = "unit: kjxy\ndate: 2025-10-15\nfiled:\n  arrangement: 2025-10-12\n  arrangement: 2025-10-13\nunit: xxgc\n"
    assert _rules(raw.encode()) == [("yaml-duplicate-key", 5), ("yaml-duplicate-key", 6)]


def test_anchor_and_alias_are_refused_with_their_lines() -> None:
    raw = b"host: &h {name: a, title: b}\ncontact: *h\n"
    assert _rules(raw) == [("yaml-alias", 1)]


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    started = time.perf_counter()
    problems = parse("\n".join(lines).encode()).problems
    assert time.perf_counter() - started < 2
    assert problems and {p.rule for p in problems} == {"yaml-alias"}


def test_gbk_bytes_are_an_encoding_error_on_their_line() -> None:
    raw = "unit: kjxy\nlocation: 会计学院\n".encode("gbk")
    assert _rules(raw) == [("file-encoding", 2)]
    assert "UTF-8" in parse(raw).problems[0].message


def test_bom_is_accepted() -> None:
    document = parse("\ufeffunit: kjxy\n".encode())
    assert document.problems == [] and document.data == {"unit": "kjxy"}


def test_tab_indentation_is_a_syntax_error_on_its_line() -> None:
    raw = b"host:\n\tname: a\n"
    assert _rules(raw) == [("yaml-syntax", 2)]
    assert "Tab" in parse(raw).problems[0].message


def test_broken_quote_is_a_syntax_error() -> None:
    assert [r for r, _ in _rules(b'location: "abc\nunit: kjxy\n')] == ["yaml-syntax"]


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 200_000,
        b"- " * 300_000 + b"x",
        b"{a: " * 100_000,
        b"a:\n" + b"".join(b" " * i + b"b:\n" for i in range(1, 1200)),
    ],
)
def test_deep_nesting_is_refused_not_crashed(raw: bytes) -> None:
    problems = parse(raw).problems
    assert [p.rule for p in problems] == ["yaml-syntax"]
    assert problems[0].line is not None


def test_moderate_nesting_still_parses() -> None:
    assert parse(b"a: [[[[1]]]]\n").data == {"a": [[[[1]]]]}


def test_over_one_mebibyte_is_refused_before_parsing() -> None:
    assert _rules(b"#" * (MAX_BYTES + 1)) == [("file-too-large", None)]


def test_empty_file_is_no_data_and_no_problem() -> None:
    document = parse(b"")
    assert document.data is None and document.problems == []


def test_multiple_documents_are_a_syntax_error() -> None:
    assert [r for r, _ in _rules(b"a: 1\n---\na: 2\n")] == ["yaml-syntax"]


def test_lines_point_at_values() -> None:
    document = parse(b"unit: kjxy\naudits:\n  - group: g1\n    filed: 2025-10-17\n")
    assert document.line(["audits", 0, "filed"]) == 4
    assert document.line(["audits", 0]) == 3
    assert document.line(["audits"], key=True) == 2
    assert document.line(["audits", 0, "absent"]) == 3


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_become_data_or_problems(raw: bytes) -> None:
    document = parse(raw)
    assert document.problems or document.root is not None or document.data is None


YAMLISH = st.lists(
    st.sampled_from(
        [
            "a",
            ":",
            " ",
            "\n",
            "-",
            "[",
            "]",
            "{",
            "}",
            "&x",
            "*x",
            '"',
            "'",
            "\t",
            "#",
            "?",
            "!",
            "|",
            ">",
            "1",
            "—",
            "\ufeff",
            "%",
        ]
    ),
    max_size=80,
).map("".join)


@settings(max_examples=600, deadline=None)
@given(YAMLISH)
def test_yaml_like_text_never_raises(text: str) -> None:
    parse(text.encode())


# ---------------------------------------------------------------- leniency and tags (issue 8)


@pytest.mark.parametrize(
    "blank",
    [b"\t", b"\t\t", b"  \t", b"\t  ", b" \t \t "],
)
@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_a_blank_line_holding_tabs_is_an_empty_line(blank: bytes, newline: bytes) -> None:
    lines = [b"unit: kjxy", b"topics:", b"  - title: a", blank, b"  - title: b", blank, b"x: 1"]
    document = parse(newline.join(lines) + newline)
    assert document.problems == []
    assert document.data == {"unit": "kjxy", "topics": [{"title": "a"}, {"title": "b"}], "x": 1}
    assert document.line(["x"]) == 7  # line numbers stay


def test_a_tab_in_a_blank_line_of_a_block_text_loses_no_text() -> None:
    document = parse(b"outline: |\n  first\n\t\n  second\n")
    assert document.problems == [] and document.data == {"outline": "first\n\nsecond\n"}


def test_a_tab_that_indents_content_is_still_an_error() -> None:
    assert _rules(b"host:\n\tname: a\n") == [("yaml-syntax", 2)]
    assert parse(b'location: "a\tb"\n').data == {"location": "a\tb"}


@pytest.mark.parametrize(
    ("raw", "line", "shown"),
    [
        (b"year_seq: !!str 23\n", 1, "!!str"),
        (b"unit: kjxy\nmembers: ! 12\n", 2, "!"),
        (b"unit: kjxy\nhost: !foo {name: a}\n", 2, "!foo"),
        (b"!!map\nunit: kjxy\n", 1, "!!map"),
        (b"topics: !!seq\n  - title: a\n", 1, "!!seq"),
        (b"a: !<tag:example.com,2000:x> 1\n", 1, "!<tag:example.com,2000:x>"),
        (b"!!str 23: x\n", 1, "!!str"),
    ],
)
def test_any_tag_is_a_syntax_error_naming_it(raw: bytes, line: int, shown: str) -> None:
    document = parse(raw)
    assert [(p.rule, p.line) for p in document.problems] == [("yaml-syntax", line)]
    message = document.problems[0].message
    assert f"「{shown}」" in message and "不需要任何标签" in message
    assert document.data is None  # never the number 23 for `!!str 23`


def test_every_tag_is_reported_and_anchors_still_once() -> None:
    raw = b"a: !!int 1\nb: &x 2\nc: !!str 3\nd: *x\n"
    assert _rules(raw) == [("yaml-syntax", 1), ("yaml-alias", 2), ("yaml-syntax", 3)]


def test_an_exclamation_mark_in_text_is_no_tag() -> None:
    assert parse("title: 加油!\nb: '!x'\nc: a!b\n".encode()).data == {
        "title": "加油!",
        "b": "!x",
        "c": "a!b",
    }


@pytest.mark.parametrize("digits", [101, 4301, 5000, 100_000])
@pytest.mark.parametrize("form", ["{}", "-{}", "{}.5"])
def test_a_number_too_long_for_any_record_stays_text(digits: int, form: str) -> None:
    """Never int() past Python's 4,300-digit limit (ValueError), never an infinite float:
    the schema then says a number is expected, at the line (below)."""
    value = form.format("9" * digits)
    document = parse(f"unit: kjxy\nmembers: {value}\n".encode())
    assert document.problems == [] and document.data == {"unit": "kjxy", "members": value}
    assert document.line(["members"]) == 2  # line look-ups never convert it either


def test_numbers_up_to_the_limit_are_numbers() -> None:
    assert parse(f"a: {'9' * 100}\n".encode()).data == {"a": int("9" * 100)}
    assert parse(f"a: '{'9' * 5000}'\n".encode()).data == {"a": "9" * 5000}


def test_a_5000_digit_number_in_a_record_is_a_finding_not_a_crash(tmp_path) -> None:
    import datetime as dt
    import shutil
    from pathlib import Path

    from generator.cli import main
    from generator.pipeline import check

    records = tmp_path / "records"
    shutil.copytree(Path(__file__).parent / "golden" / "records", records)
    path = records / "sessions" / "dwa" / "2026-10-14.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("members: 12", "members: " + "1" * 5000),
        encoding="utf-8",
    )
    result = check(records, dt.date(2026, 11, 29))
    (finding,) = [f for f in result.findings if f.file and f.file.endswith("dwa/2026-10-14.yaml")]
    assert (finding.rule, finding.line) == ("schema", 6) and "中心组人数" in finding.message
    assert main(["check", "--records", str(records), "--as-of", "2026-11-29"]) == 1
