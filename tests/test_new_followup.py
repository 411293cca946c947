"""`new --plan`, `new --rectify` and the planned topics `new` offers (record format v2)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from test_new import only_insertions
from test_new_terminal import Terminal, generator

from generator import assistant_data, new
from generator.pipeline import check
from generator.yamlio import parse

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "records"
AS_OF = "2026-11-29"
TODAY = dt.date(2026, 11, 29)
# the sample org's semesters: 2026-03-02..2026-07-10 (July exempt), 2026-09-01..2027-01-15
SEMESTER_MONTHS_2026 = [
    "2026-03", "2026-04", "2026-05", "2026-06", "2026-09", "2026-10", "2026-11", "2026-12",
]  # fmt: skip


@pytest.fixture
def records(tmp_path: Path) -> Path:
    target = tmp_path / "records"
    shutil.copytree(SAMPLES, target)
    return target


def run(records: Path, *args: str, as_of: str = AS_OF) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*generator("new", "--records", str(records), "--as-of", as_of), *args],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )


def findings_of(records: Path, relative: str, as_of: dt.date = TODAY) -> list[tuple[str, str]]:
    shown = f"records/{relative}"
    return [(f.rule, f.severity.label) for f in check(records, as_of).findings if f.file == shown]


# ---------------------------------------------------------------- new --plan


def test_plan_months_are_the_years_semester_months_without_exempt_ones() -> None:
    org = check(SAMPLES, TODAY).records.org
    assert assistant_data.plan_months(org, 2026) == SEMESTER_MONTHS_2026  # 2026-07 is exempt
    assert assistant_data.plan_months(org, 2027) == []  # only 2027-01, exempt
    assert assistant_data.plan_months(org, 2025) == []


def test_plan_from_flags_lists_every_month_and_passes_check(records: Path) -> None:
    (records / "plans" / "kjxy" / "2026.yaml").unlink()
    result = run(
        records, "--plan", "--unit", "kjxy", "--year", "2026", "--filed", "2026-03-10",
        "--month-topic", "2026-03=传达学习2026年全国两会精神和《政府工作报告》",
        "--month-topic", "2026-04=学习习近平总书记关于教育的重要论述",
        "--month-topic", "2026-04=学习习近平总书记关于财会监督的重要论述",
        "--month-topic", "2026-12=学习习近平法治思想，迎接国家宪法日",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "已新建" in result.stdout and "检查通过" in result.stdout
    text = (records / "plans" / "kjxy" / "2026.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../schemas/plan.schema.json\n")
    data = parse(text.encode()).data
    assert data == {
        "unit": "kjxy",
        "year": 2026,
        "filed": "2026-03-10",
        "items": [
            {"month": "2026-03", "topics": ["传达学习2026年全国两会精神和《政府工作报告》"]},
            {
                "month": "2026-04",
                "topics": [
                    "学习习近平总书记关于教育的重要论述",
                    "学习习近平总书记关于财会监督的重要论述",
                ],
            },
            {"month": "2026-12", "topics": ["学习习近平法治思想，迎接国家宪法日"]},
        ],
    }
    # every other semester month is there to fill in, as a comment; July (exempt) is not
    for month in SEMESTER_MONTHS_2026:
        assert f"- month: {month}" in text
    for month in ("2026-05", "2026-06", "2026-09", "2026-10", "2026-11"):
        assert f"  # - month: {month}" in text
    assert "2026-07" not in text and "2026-01" not in text and "2026-08" not in text
    # each field carries its label from the plan schema
    assert "# 计划年度" in text and "# 计划学习内容" in text and "最晚 2026-03-31" in text
    assert findings_of(records, "plans/kjxy/2026.yaml") == []


def test_an_uncommented_month_reads_as_an_item(records: Path) -> None:
    """The comment for a month without topics becomes a valid item once its # go."""
    (records / "plans" / "kjxy" / "2026.yaml").unlink()
    answers = new.PlanAnswers("kjxy", 2026, ["2026-03=学习内容甲"])
    written = new.new_plan(records, answers, TODAY)
    text = written.path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("  # - month: 2026-05"))
    for i in range(start, start + 3):  # what the comment says: take away the # at the start
        lines[i] = lines[i].replace("# ", "", 1)
    lines[start + 2] = lines[start + 2].replace("学习内容", "学习内容乙")
    data = parse("".join(lines).encode()).data
    assert data["items"][1] == {"month": "2026-05", "topics": ["学习内容乙"]}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--year", "2026", "--month-topic", "2026-03=x"), "已经存在"),
        (("--year", "2027", "--month-topic", "2027-03=x"), "2027 年没有学期"),
        (("--year", "2026"), "至少要写一个月的学习内容"),
        (("--year", "2026", "--month-topic", "2026-07=暑假"), "不是 2026 年要学习的月份"),
        (("--year", "2026", "--month-topic", "2026-3=x"), "月份=学习内容"),
        (("--year", "2026", "--month-topic", "2026-03=x", "--filed", "2026-12-01"), "晚于今天"),
        (("--month-topic", "2026-03=x"), "--year"),
        (("--year", "2026", "--time", "14:30"), "--time 不用于--plan"),
    ],
)
def test_plan_refusals_write_nothing(records: Path, args: tuple, message: str) -> None:
    plans = records / "plans" / "kjxy"
    if message != "已经存在":
        (plans / "2026.yaml").unlink()
    before = sorted(p.read_bytes() for p in plans.iterdir())
    result = run(records, "--plan", "--unit", "kjxy", *args)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert sorted(p.read_bytes() for p in plans.iterdir()) == before


def test_plan_asks_month_by_month_in_a_terminal(records: Path) -> None:
    (records / "plans" / "hqzs" / "2026.yaml").unlink()
    terminal = Terminal(
        [
            *generator("new", "--records", str(records), "--as-of", AS_OF, "--plan"),
            "--unit",
            "hqzs",
            "--year",
            "2026",
        ]
    )
    try:
        terminal.answer("2026年3月计划学习内容", "传达学习2026年全国两会精神和《政府工作报告》")
        terminal.answer("2026年3月计划学习内容", "")
        terminal.answer("2026年4月计划学习内容", "学习习近平总书记关于教育的重要论述")
        terminal.answer("2026年4月计划学习内容", "")
        for month in (5, 6, 9, 10, 11, 12):
            terminal.answer(f"2026年{month}月计划学习内容", "")
        terminal.answer("年度学习计划报党委宣传部备案的日期", "2026-03-25")
    finally:
        code = terminal.finish()
    assert code == 0, terminal.text
    data = parse((records / "plans" / "hqzs" / "2026.yaml").read_bytes()).data
    assert data["filed"] == "2026-03-25"
    assert [i["month"] for i in data["items"]] == ["2026-03", "2026-04"]
    assert findings_of(records, "plans/hqzs/2026.yaml") == []


# ---------------------------------------------------------------- new --rectify


def test_rectification_is_inserted_keeping_every_byte(records: Path) -> None:
    path = records / "sessions" / "wgyxy" / "2026-10-19.yaml"
    old = path.read_text(encoding="utf-8")
    assert findings_of(records, "sessions/wgyxy/2026-10-19.yaml") == [
        ("rectification-missing", "warning")
    ]
    result = run(
        records, "--rectify", "--unit", "wgyxy", "--date", "2026-10-19",
        "--measures", "修订学习规则: 研讨不少于1小时", "--filed", "2026-11-18",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    assert text.startswith(old) and only_insertions(old, text)
    audit = parse(text.encode()).data["audits"][0]
    assert audit["rectify_by"] == "2026-11-19"
    assert audit["rectification"] == {
        "measures": "修订学习规则: 研讨不少于1小时",
        "filed": "2026-11-18",
    }
    assert "    rectification:" in text and "      measures:" in text  # the audit's indentation
    assert findings_of(records, "sessions/wgyxy/2026-10-19.yaml") == []  # on time now


def test_a_late_rectification_is_written_and_warned_about(records: Path) -> None:
    result = run(
        records, "--rectify", "--unit", "wgyxy", "--date", "2026-10-19",
        "--measures", "延长研讨时间", "--filed", AS_OF,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "2026-11-19" in result.stdout  # the deadline, in the warning shown
    assert findings_of(records, "sessions/wgyxy/2026-10-19.yaml") == [
        ("rectification-late", "warning")
    ]


def test_measures_first_and_the_date_later(records: Path) -> None:
    path = records / "sessions" / "wgyxy" / "2026-10-19.yaml"
    old = path.read_text(encoding="utf-8")
    first = run(
        records, "--rectify", "--unit", "wgyxy", "--date", "2026-10-19", "--measures", "正在整改"
    )
    assert first.returncode == 0, first.stderr
    middle = path.read_text(encoding="utf-8")
    assert only_insertions(old, middle) and "# filed:" in middle
    second = run(records, "--rectify", "--unit", "wgyxy", "--date", "2026-10-19", "--filed", AS_OF)
    assert second.returncode == 0, second.stderr
    final = path.read_text(encoding="utf-8")
    assert only_insertions(middle, final)
    assert parse(final.encode()).data["audits"][0]["rectification"] == {
        "measures": "正在整改",
        "filed": AS_OF,
    }


def test_an_open_rectification_gets_its_date_in_place(records: Path) -> None:
    path = records / "sessions" / "whcm" / "2026-11-09.yaml"
    old = path.read_text(encoding="utf-8")
    result = run(records, "--rectify", "--unit", "whcm", "--date", "2026-11-09", "--filed", AS_OF)
    assert result.returncode == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    assert only_insertions(old, text) and len(text.splitlines()) == len(old.splitlines()) + 1
    assert parse(text.encode()).data["audits"][0]["rectification"]["filed"] == AS_OF
    assert findings_of(records, "sessions/whcm/2026-11-09.yaml") == []


def test_windows_line_ends_are_kept(records: Path) -> None:
    path = records / "sessions" / "wgyxy" / "2026-10-19.yaml"
    old = path.read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_bytes(old.encode("utf-8"))
    answers = new.RectifyAnswers("wgyxy", "2026-10-19", measures="整改", filed=TODAY)
    new.add_rectification(records, answers, TODAY)
    raw = path.read_bytes()
    assert raw.startswith(old.encode("utf-8")) and b"\n" not in raw.replace(b"\r\n", b"")


@pytest.mark.parametrize(
    ("unit", "date", "args", "message"),
    [
        ("kjxy", "2026-09-09", ("--measures", "x"), "没有要求整改"),
        ("jrxy", "2026-04-20", ("--measures", "x"), "已于 2026-05-18 报送"),
        ("whcm", "2026-11-09", ("--measures", "x"), "已写有整改措施及成效"),
        ("wgyxy", "2026-10-19", ("--filed", "2026-11-18"), "请加 --measures"),
        ("wgyxy", "2026-10-19", ("--measures", "x", "--filed", "2026-10-18"), "早于学习日期"),
        ("wgyxy", "2026-10-19", ("--measures", "x", "--filed", "2026-12-01"), "晚于今天"),
        ("wgyxy", "2026-10-19", (), "没有要补充的内容"),
        ("wgyxy", "2026-10-19", ("--group", "g1", "--measures", "x"), "「g1」没有要求整改"),
        ("wgyxy", "2026-10-20", ("--measures", "x"), "找不到"),
    ],
)
def test_rectify_refusals_leave_the_file_alone(
    records: Path, unit: str, date: str, args: tuple, message: str
) -> None:
    folder = records / "sessions" / unit
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    result = run(records, "--rectify", "--unit", unit, "--date", date, *args)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_flow_style_rectification_is_refused_not_rewritten(records: Path) -> None:
    path = records / "sessions" / "whcm" / "2026-11-09.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("    rectification:")
    text = text[:start] + "    rectification: {measures: 已拟定题库}\n"
    path.write_text(text, encoding="utf-8")
    result = run(records, "--rectify", "--unit", "whcm", "--date", "2026-11-09", "--filed", AS_OF)
    assert result.returncode == 2 and "花括号" in result.stderr
    assert path.read_text(encoding="utf-8") == text


def test_rectify_asks_in_a_terminal_showing_the_problems(records: Path) -> None:
    terminal = Terminal(
        [
            *generator("new", "--records", str(records), "--as-of", AS_OF, "--rectify"),
            "--unit",
            "wgyxy",
            "--date",
            "2026-10-19",
        ]
    )
    try:
        shown = terminal.answer("整改措施及成效", "每次交流研讨不少于1小时")
        assert "研讨时间偏短" in shown and "2026-11-19" in shown
        shown = terminal.answer("整改情况书面报党委宣传部的日期", "2026-11-18")
        assert f"［{AS_OF}］" in shown
    finally:
        code = terminal.finish()
    assert code == 0, terminal.text
    assert findings_of(records, "sessions/wgyxy/2026-10-19.yaml") == []


# ---------------------------------------------------------------- planned topics for `new`


def test_new_session_takes_the_months_planned_topics(records: Path) -> None:
    """Without topic flags, a session gets the titles the plan lists for its month,
    exactly: deleting the unit's December session and filing a new one through `new`
    leaves no plan-topic-unstudied once December has ended."""
    (records / "sessions" / "kjxy" / "2026-12-18.yaml").unlink()
    result = run(records, "--unit", "kjxy", "--date", "2026-12-28", "--time", "14:30")
    assert result.returncode == 0, result.stderr
    data = parse((records / "sessions" / "kjxy" / "2026-12-28.yaml").read_bytes()).data
    plan = parse((records / "plans" / "kjxy" / "2026.yaml").read_bytes()).data
    december = next(i["topics"] for i in plan["items"] if i["month"] == "2026-12")
    assert [t["title"] for t in data["topics"]] == december
    assert data["topics"][0]["first_topic"] is True
    later = check(records, dt.date(2027, 1, 5)).findings
    assert not [f for f in later if f.rule == "plan-topic-unstudied" and f.unit == "kjxy"]


def test_topic_flags_win_over_the_plan(records: Path) -> None:
    result = run(
        records, "--unit", "kjxy", "--date", "2026-12-28", "--time", "14:30",
        "--first-topic", "学习党的二十届四中全会精神",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = parse((records / "sessions" / "kjxy" / "2026-12-28.yaml").read_bytes()).data
    assert [t["title"] for t in data["topics"]] == ["学习党的二十届四中全会精神"]


def test_no_plan_no_defaults(records: Path) -> None:
    (records / "plans" / "kjxy" / "2026.yaml").unlink()
    result = run(records, "--unit", "kjxy", "--date", "2026-12-28", "--time", "14:30")
    assert result.returncode == 2 and "--first-topic" in result.stderr


def test_the_terminal_offers_the_plan_as_the_first_topics_default(records: Path) -> None:
    terminal = Terminal(
        [
            *generator("new", "--records", str(records), "--as-of", AS_OF),
            "--unit",
            "jjxy",
            "--date",
            "2026-12-28",
        ]
    )
    try:
        terminal.answer("学习时间", "15:00")
        for question in ("学习地点", "中心组人数", "主持人姓名", "主持人职务"):
            terminal.answer(question, "")
        shown = terminal.answer("第一议题", "")  # Enter: the plan's topics, all of them
        assert "本月年度学习计划" in shown and "［学习习近平法治思想，迎接国家宪法日］" in shown
        terminal.answer("其他学习内容", "")
        terminal.answer("交流研讨人员", "")
        for question in ("联系人", "联系电话", "学习安排报送表", "是否已确定来列席旁听"):
            terminal.answer(question, "")
        terminal.answer("确认写入", "是")
    finally:
        code = terminal.finish()
    assert code == 0, terminal.text
    data = parse((records / "sessions" / "jjxy" / "2026-12-28.yaml").read_bytes()).data
    assert [t["title"] for t in data["topics"]] == list(
        new.planned_topics(check(records, TODAY), "jjxy", dt.date(2026, 12, 1))
    )
    assert len(data["topics"]) == 2


def test_planned_topics_are_stripped_and_read_from_valid_plans_only(records: Path) -> None:
    path = records / "plans" / "kjxy" / "2026.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "- 学习习近平法治思想，迎接国家宪法日", '- "  学习习近平法治思想，迎接国家宪法日 "'
        ),
        encoding="utf-8",
    )
    result = check(records, TODAY)
    assert new.planned_topics(result, "kjxy", dt.date(2026, 12, 5))[0] == (
        "学习习近平法治思想，迎接国家宪法日"
    )
    path.write_text("unit: kjxy\nyear: 2026\nitems: []\n", encoding="utf-8")  # schema error
    assert new.planned_topics(check(records, TODAY), "kjxy", dt.date(2026, 12, 5)) == ()
    assert new.SessionDefaults.__dataclass_fields__["planned"].default == ()
