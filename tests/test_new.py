"""`python -m generator new`: with flags, refusals, and the text helpers it writes with."""

from __future__ import annotations

import datetime as dt
import difflib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import assistant_data, new, schemas
from generator.pipeline import check
from generator.yamlio import parse

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "records"
AS_OF = "2026-11-29"
TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def records(tmp_path: Path) -> Path:
    target = tmp_path / "records"
    shutil.copytree(SAMPLES, target)
    return target


def run(records: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command as a liaison's script runs it: no terminal on stdin."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "new",
            "--records",
            str(records),
            "--as-of",
            AS_OF,
            *args,
        ],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )


def file_findings(records: Path, relative: str, as_of: dt.date = TODAY) -> list[tuple[str, str]]:
    shown = f"records/{relative}"
    return [(f.rule, f.severity.label) for f in check(records, as_of).findings if f.file == shown]


def only_insertions(old: str, new_text: str) -> bool:
    """Every line of `old` is still there, unchanged and in order; lines were only added."""
    opcodes = difflib.SequenceMatcher(
        None, old.splitlines(keepends=True), new_text.splitlines(keepends=True), autojunk=False
    ).get_opcodes()
    return all(tag in ("equal", "insert") for tag, *_ in opcodes)


# ---------------------------------------------------------------- quoting


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40))
def test_any_text_reads_back_unchanged_with_our_loader_and_pyyaml(text: str) -> None:
    line = f"key: {new.scalar(text)}\n"
    document = parse(line.encode("utf-8"))
    assert not document.problems, line
    assert document.data == {"key": text}
    assert yaml.safe_load(line) == {"key": text}  # a YAML 1.1 reader agrees
    quoted = f"key: {new.quote(text)}\n"
    assert parse(quoted.encode("utf-8")).data == {"key": text}


@pytest.mark.parametrize(
    "text",
    ["14:30", "0931-8562101", "yes", "No", "null", "true", "&a", "*a", "- x", "# x", "a: b", "a #b",
     "[x]", "{x}", "'x'", '"x"', "%x", "@x", "`x`", "!x", "|", ">", "?", "", " x", "x ", "12", "1.5",
     "2026-12-15", "~", "第一议题：学习", "会计学院楼301会议室\n二楼", "\u2028", "\x85", "\ufeffx"],
)  # fmt: skip
def test_risky_values_are_quoted_and_read_back(text: str) -> None:
    written = new.scalar(text)
    assert parse(f"k: {written}\n".encode()).data == {"k": text}
    assert not written.startswith(("&", "*")), "never an anchor or alias"


def test_plain_chinese_stays_plain_for_the_liaison_to_read() -> None:
    assert new.scalar("会计学院楼301会议室") == "会计学院楼301会议室"
    assert new.scalar("学习习近平总书记关于教育的重要论述") == "学习习近平总书记关于教育的重要论述"
    assert new.scalar("14:30") == '"14:30"'
    assert new.scalar(15) == "15" and new.scalar(True) == "true"


# ---------------------------------------------------------------- a new session, by flags


def test_flags_write_a_commented_session_that_passes_check(records: Path) -> None:
    result = run(
        records,
        "--unit", "kjxy", "--date", "2026-12-15", "--time", "14:30",
        "--first-topic", "学习习近平总书记关于教育的重要论述",
        "--topic", "学习二十届四中全会精神：专题研讨",
        "--speaker", "王立新/院长/结合学院实际谈体会",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    path = records / "sessions" / "kjxy" / "2026-12-15.yaml"
    assert "records/sessions/kjxy/2026-12-15.yaml" in result.stdout
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../../../schemas/session.schema.json"
    for line in lines:  # a Chinese comment on every field
        if line.strip() and not line.lstrip().startswith("#"):
            assert "  # " in line, line
    data = parse(text.encode()).data
    assert data["year_seq"] == 9  # kjxy's 2026 sessions run to 8
    assert data["time"] == "14:30"
    assert data["host"] == {"name": "张明华", "title": "党委书记"}  # from the last session
    assert data["contact"] == {"name": "刘佳", "phone": "0931-8562101"}
    assert data["location"] == "会计学院楼301会议室"
    assert data["members"] == 15
    assert data["filed"] == {"arrangement": AS_OF}  # today
    assert data["topics"] == [
        {"title": "学习习近平总书记关于教育的重要论述", "first_topic": True},
        {"title": "学习二十届四中全会精神：专题研讨"},
    ]
    assert data["speakers"] == [
        {"name": "王立新", "title": "院长", "outline": "结合学院实际谈体会"}
    ]
    assert "audits" not in data
    assert "# present:" in text and "# post_copy:" in text  # what comes later, shown but empty
    assert file_findings(records, "sessions/kjxy/2026-12-15.yaml") == []
    assert "检查通过" in result.stdout


def test_a_second_session_that_day_gets_its_own_file_and_the_next_seq(records: Path) -> None:
    args = ("--unit", "jgdw", "--date", "2026-12-02", "--time", "9:30", "--first-topic", "学习")
    result = run(records, *args)  # jgdw already has 2026-12-02.yaml
    assert result.returncode == 0, result.stderr
    second = records / "sessions" / "jgdw" / "2026-12-02-2.yaml"
    data = parse(second.read_bytes()).data
    assert data["year_seq"] == 9 and data["time"] == "9:30"
    assert file_findings(records, "sessions/jgdw/2026-12-02-2.yaml") == []


def test_expected_warnings_only_when_the_date_is_close(records: Path) -> None:
    result = run(records, "--unit", "glxy", "--date", "2026-11-30", "--time", "14:30",
                 "--first-topic", "学习")  # fmt: skip
    assert result.returncode == 0, result.stderr
    # filed today, one day ahead instead of two: the one warning the date explains
    assert file_findings(records, "sessions/glxy/2026-11-30.yaml") == [
        ("arrangement-late", "warning")
    ]
    assert "最晚 2026-11-28" in result.stdout  # and the command says so at once


def test_missing_flags_are_listed_in_chinese_and_nothing_is_written(records: Path) -> None:
    before = sorted((records / "sessions" / "kjxy").iterdir())
    result = run(records, "--unit", "kjxy", "--date", "2026-12-15")
    assert result.returncode == 2
    assert "--time" in result.stderr and "--first-topic" in result.stderr
    assert "还缺少" in result.stderr
    assert sorted((records / "sessions" / "kjxy").iterdir()) == before


def test_a_unit_without_earlier_records_needs_more_flags(records: Path) -> None:
    shutil.rmtree(records / "sessions" / "tsgzs")
    result = run(records, "--unit", "tsgzs", "--date", "2026-12-15", "--time", "14:30",
                 "--first-topic", "学习")  # fmt: skip
    assert result.returncode == 2
    for flag in ("--location", "--members", "--contact", "--phone"):
        assert flag in result.stderr
    assert "--host" not in result.stderr  # the secretary, from org.yaml
    result = run(records, "--unit", "tsgzs", "--date", "2026-12-15", "--time", "14:30",
                 "--first-topic", "学习", "--location", "图书馆报告厅", "--members", "7",
                 "--contact", "毛素琴", "--phone", "0931-8562999")  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = parse((records / "sessions" / "tsgzs" / "2026-12-15.yaml").read_bytes()).data
    assert data["host"] == {"name": "毛素琴", "title": "党支部书记"}
    assert data["year_seq"] == 1


def test_unknown_unit_lists_the_known_ones(records: Path) -> None:
    result = run(records, "--unit", "kjx", "--date", "2026-12-15", "--time", "14:30",
                 "--first-topic", "学习")  # fmt: skip
    assert result.returncode == 2
    assert "kjx" in result.stderr and "kjxy（会计学院党委）" in result.stderr


def test_bad_values_are_refused_with_the_fix(records: Path) -> None:
    result = run(records, "--unit", "kjxy", "--date", "2026-12-15", "--time", "25:00",
                 "--first-topic", "学习", "--phone", "电话", "--arranged", "2026-12-01")  # fmt: skip
    assert result.returncode == 2
    assert "14:30" in result.stderr and "联系电话" in result.stderr
    assert "晚于今天" in result.stderr
    assert not (records / "sessions" / "kjxy" / "2026-12-15.yaml").exists()


def test_flags_of_another_mode_are_refused(records: Path) -> None:
    result = run(records, "--unit", "kjxy", "--date", "2026-12-15", "--group", "g1")
    assert result.returncode == 2 and "--group" in result.stderr


def test_never_overwrites(records: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    taken = records / "sessions" / "kjxy" / "2026-10-12.yaml"
    before = taken.read_bytes()
    monkeypatch.setattr(new.session, "free_path", lambda folder, day: taken)
    answers = new.SessionAnswers("kjxy", dt.date(2026, 10, 12), time="14:30", first_topic="学习")
    with pytest.raises(new.NewError, match="已经存在，没有覆盖"):
        new.new_session(records, answers, TODAY)
    assert taken.read_bytes() == before


def test_expected_audit_and_no_arrangement_yet(records: Path) -> None:
    result = run(records, "--unit", "mkszy", "--date", "2026-12-28", "--time", "14:30",
                 "--first-topic", "学习", "--expect-audit", "--not-arranged")  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = parse((records / "sessions" / "mkszy" / "2026-12-28.yaml").read_bytes()).data
    assert data["audits"] == [{"group": "g1"}]
    assert "filed" not in data
    assert file_findings(records, "sessions/mkszy/2026-12-28.yaml") == []


# ---------------------------------------------------------------- adding an audit


def test_audit_is_appended_keeping_every_byte(records: Path) -> None:
    path = records / "sessions" / "kjxy" / "2026-10-12.yaml"
    old = path.read_text(encoding="utf-8")
    result = run(
        records, "--audit", "--unit", "kjxy", "--date", "2026-10-12",
        "--organization", "有学习方案，参加率80%", "--content", "落实第一议题",
        "--method", "研讨紧扣主题", "--effect", "理论联系实际",
        "--problems", "建议提高参加率: 督促补学", "--filed", "2026-10-14",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    assert text.startswith(old) and only_insertions(old, text)
    assert parse(text.encode()).data["audits"] == [
        {
            "group": "g1",  # the unit's group, from org.yaml
            "findings": {
                "organization": "有学习方案，参加率80%",
                "content": "落实第一议题",
                "method": "研讨紧扣主题",
                "effect": "理论联系实际",
            },
            "problems": "建议提高参加率: 督促补学",
            "filed": "2026-10-14",
        }
    ]
    # the planted attendance-low stays; nothing new
    assert file_findings(records, "sessions/kjxy/2026-10-12.yaml") == [
        ("attendance-low", "warning")
    ]


def test_a_planned_audit_is_filled_in_place(records: Path) -> None:
    path = records / "sessions" / "mkszy" / "2026-12-23.yaml"
    old = path.read_text(encoding="utf-8")
    answers = new.AuditAnswers(
        "mkszy", "2026-12-23", organization="有方案", content="落实第一议题", method="紧扣主题",
        effect="联系实际", problems="无", filed=dt.date(2026, 12, 24),
    )  # fmt: skip
    written = new.add_audit(records, answers, dt.date(2026, 12, 27))
    text = path.read_text(encoding="utf-8")
    assert only_insertions(old, text) and "# 计划列席旁听" in text
    audits = parse(text.encode()).data["audits"]
    assert len(audits) == 1 and audits[0]["filed"] == "2026-12-24"
    assert "audit-record-missing" not in {f.rule for f in written.findings}
    assert not [f for f in written.findings if f.severity.label == "error"]


def test_a_filled_but_unsent_audit_gets_its_date(records: Path) -> None:
    path = records / "sessions" / "xxgc" / "2026-11-05.yaml"
    old = path.read_text(encoding="utf-8")
    result = run(records, "--audit", "--unit", "xxgc", "--date", "2026-11-05", "--filed", AS_OF)
    assert result.returncode == 0, result.stderr
    assert only_insertions(old, path.read_text(encoding="utf-8"))
    rules = {rule for rule, _ in file_findings(records, "sessions/xxgc/2026-11-05.yaml")}
    assert "audit-record-missing" not in rules and "audit-record-late" in rules


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--group", "g2"), "联系它的是「g1」"),
        (("--group", "g9"), "没有编号为「g9」"),
        (("--filed", "2026-10-14"), "--organization"),
        (("--organization", "x", "--content", "x", "--method", "x", "--effect", "x",
          "--problems", "x", "--filed", "2026-10-11"), "早于学习日期"),
        (("--organization", "x", "--content", "x", "--method", "x", "--effect", "x",
          "--problems", "x", "--filed", "2026-12-01"), "晚于今天"),
    ],
)  # fmt: skip
def test_audit_refusals_leave_the_file_alone(records: Path, args: tuple, message: str) -> None:
    path = records / "sessions" / "kjxy" / "2026-10-12.yaml"
    before = path.read_bytes()
    result = run(records, "--audit", "--unit", "kjxy", "--date", "2026-10-12", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert path.read_bytes() == before


def test_a_filed_audit_is_not_touched(records: Path) -> None:
    result = run(records, "--audit", "--unit", "jjxy", "--date", "2026-05-14", "--problems", "x")
    assert result.returncode == 2 and "已于" in result.stderr and "amendments" in result.stderr


def test_a_missing_session_file_is_named(records: Path) -> None:
    result = run(records, "--audit", "--unit", "kjxy", "--date", "2026-10-13")
    assert result.returncode == 2
    assert "找不到" in result.stderr and "2026-10-12" in result.stderr


# ---------------------------------------------------------------- adding a visitor


def test_visitor_name_comes_from_org_and_the_report_date_can_follow(records: Path) -> None:
    path = records / "sessions" / "kjxy" / "2026-10-12.yaml"
    old = path.read_text(encoding="utf-8")
    result = run(records, "--visitor", "--unit", "kjxy", "--date", "2026-10-12",
                 "--visitor-unit", "xxgc", "--role", "书记")  # fmt: skip
    assert result.returncode == 0, result.stderr
    middle = path.read_text(encoding="utf-8")
    assert middle.startswith(old)
    assert parse(middle.encode()).data["visitors"] == [
        {"unit": "xxgc", "name": "杨建军", "role": "书记"}
    ]
    assert ("visit-report-missing", "warning") in file_findings(
        records, "sessions/kjxy/2026-10-12.yaml"
    )
    result = run(records, "--visitor", "--unit", "kjxy", "--date", "2026-10-12",
                 "--visitor-unit", "xxgc", "--name", "杨建军", "--report-filed", "2026-10-14")  # fmt: skip
    assert result.returncode == 0, result.stderr
    final = path.read_text(encoding="utf-8")
    assert only_insertions(middle, final)
    assert parse(final.encode()).data["visitors"][0]["report_filed"] == "2026-10-14"
    assert file_findings(records, "sessions/kjxy/2026-10-12.yaml") == [
        ("attendance-low", "warning")
    ]


def test_visitor_appended_after_existing_visitors(records: Path) -> None:
    path = records / "sessions" / "kjxy" / "2026-11-03.yaml"
    old = path.read_text(encoding="utf-8")
    result = run(records, "--visitor", "--unit", "kjxy", "--date", "2026-11-03",
                 "--visitor-unit", "wgyxy", "--name", "陆海鹏", "--report-filed", "2026-11-05")  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    assert only_insertions(old, text)
    visitors = parse(text.encode()).data["visitors"]
    assert [v["name"] for v in visitors] == ["韩雪", "陆海鹏"] and visitors[1]["role"] == "副书记"
    assert file_findings(records, "sessions/kjxy/2026-11-03.yaml") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--visitor-unit", "kjxy", "--role", "书记"), "本单位"),
        (("--visitor-unit", "xxgc", "--name", "张三"), "不是信息工程学院党委的书记或副书记"),
        (("--visitor-unit", "xxgc", "--name", "周丽娟", "--role", "书记"), "杨建军"),
        (("--visitor-unit", "nope", "--role", "书记"), "没有编号为「nope」"),
        (("--visitor-unit", "xxgc", "--role", "副书记"), "--name"),  # two deputies: which?
        (("--visitor-unit", "glxy", "--name", "韩雪", "--report-filed", "2026-11-06"), "已记有"),
    ],
)  # fmt: skip
def test_visitor_refusals(records: Path, args: tuple, message: str) -> None:
    path = records / "sessions" / "kjxy" / "2026-11-03.yaml"
    before = path.read_bytes()
    result = run(records, "--visitor", "--unit", "kjxy", "--date", "2026-11-03", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert path.read_bytes() == before


# ---------------------------------------------------------------- insertion as text


def _doc(text: str):
    document = parse(text.encode("utf-8"))
    assert not document.problems
    return document


ITEM = new.Lines([("- group: g1", "列席旁听组"), ("  filed: 2026-10-14", None)])


def test_insertion_follows_the_files_own_indentation_and_line_ends() -> None:
    text = "unit: kjxy\r\naudits:\r\n- group: g2\r\n  problems: x   # 注\r\n# 结尾注释\r\nvisitors: []\r\n"
    out = new.insert_item(text, _doc(text), "audits", ITEM, "记录")
    assert only_insertions(text, out)
    assert "\r\n- group: g1" in out and "\n  filed: 2026-10-14\r\n# 结尾注释" in out
    assert "\n" not in out.replace("\r\n", "")
    assert _doc(out).data["audits"] == [
        {"group": "g2", "problems": "x"},
        {"group": "g1", "filed": "2026-10-14"},
    ]


def test_insertion_into_a_file_without_a_final_newline() -> None:
    text = "unit: kjxy\naudits:\n    -   group: g2"
    out = new.insert_item(text, _doc(text), "audits", ITEM, "记录")
    assert out.startswith(text)
    assert _doc(out).data["audits"][1] == {"group": "g1", "filed": "2026-10-14"}
    text = "unit: kjxy  # 末行"
    out = new.insert_item(text, _doc(text), "audits", ITEM, "记录")
    assert _doc(out).data == {"unit": "kjxy", "audits": [{"group": "g1", "filed": "2026-10-14"}]}


def test_insertion_after_a_block_scalar() -> None:
    text = "audits:\n  - group: g2\n    problems: |\n      第一行\n      第二行\n\nunit: kjxy\n"
    out = new.insert_item(text, _doc(text), "audits", ITEM, "记录")
    assert _doc(out).data["audits"][0]["problems"] == "第一行\n第二行\n"
    assert _doc(out).data["audits"][1]["group"] == "g1"


def test_flow_style_is_refused_not_rewritten() -> None:
    text = "audits: [{group: g2}]\n"
    with pytest.raises(new.NewError, match="方括号"):
        new.insert_item(text, _doc(text), "audits", ITEM, "记录")
    text = "audits:\n  - {group: g2}\n"
    with pytest.raises(new.NewError, match="花括号"):
        new.extend_item(text, _doc(text), ("audits", 0), new.Lines([("filed: 2026-10-14", None)]))


def test_the_session_comments_come_from_the_schema_titles() -> None:
    schema = schemas.load_schema("session")
    assert new.label("location") == schema["properties"]["location"]["title"]
    assert new.label("audits", "findings", "method") == "学习方式"
    assert new.label("filed", "arrangement") == "安排表报送日期"


def test_assistant_data_has_no_phone_numbers() -> None:
    data = assistant_data.assistant_data(check(SAMPLES, TODAY))
    kjxy = next(u for u in data["units"] if u["id"] == "kjxy")
    assert kjxy["next_year_seq"]["2026"] == 9 and kjxy["group"] == "g1"
    assert kjxy["last"]["contact"] == {"name": "刘佳"}
    assert "8562101" not in repr(data)


@pytest.mark.parametrize(
    ("typed", "parts"),
    [
        ("李强 院长 谈体会", ("李强", "院长", "谈体会")),
        ("李强　院长　谈体会", ("李强", "院长", "谈体会")),  # the ideographic space of an IME
        ("李强/院长/谈体会", ("李强", "院长", "谈体会")),
        ("李强／院长／谈体会", ("李强", "院长", "谈体会")),
        ("李强、院长、谈体会", ("李强", "院长", "谈体会")),
        ("李强 / 院长 / 结合实际 谈“一岗双责”/体会", ("李强", "院长", "结合实际 谈“一岗双责”/体会")),
        ("李强//谈体会", ("李强", None, "谈体会")),
        ("李强", ("李强", None, None)),
        ("阿依古丽·买买提 副院长", ("阿依古丽·买买提", "副院长", None)),
    ],
)  # fmt: skip
def test_a_speaker_is_split_at_spaces_slashes_and_enumeration_commas(
    typed: str, parts: tuple
) -> None:
    assert new.split_speaker(typed) == parts
    assert new.check_speaker(typed) is None


def test_a_speaker_typed_without_separators_is_asked_again() -> None:
    problem = new.check_speaker("李强院长谈体会")
    assert problem and "空格" in problem and "/" in problem and "、" in problem


def test_speaker_flags_with_spaces_and_commas_become_three_fields(records: Path) -> None:
    result = run(
        records,
        "--unit", "kjxy", "--date", "2026-12-15", "--time", "14:30", "--first-topic", "学习",
        "--speaker", "李强 院长 谈体会", "--speaker", "王立新、副院长、结合学院实际谈体会",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = parse((records / "sessions" / "kjxy" / "2026-12-15.yaml").read_bytes()).data
    assert data["speakers"] == [
        {"name": "李强", "title": "院长", "outline": "谈体会"},
        {"name": "王立新", "title": "副院长", "outline": "结合学院实际谈体会"},
    ]
    refused = run(records, "--unit", "kjxy", "--date", "2026-12-16", "--time", "14:30",
                  "--first-topic", "学习", "--speaker", "李强院长谈体会")  # fmt: skip
    assert refused.returncode == 2 and "不像一个姓名" in refused.stderr
    assert not (records / "sessions" / "kjxy" / "2026-12-16.yaml").exists()
