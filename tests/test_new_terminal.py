"""`python -m generator new` in a real terminal: a pseudo-terminal (the `pty` module, nothing
to install) stands in for the liaison typing answers to the Chinese questions."""

from __future__ import annotations

import datetime as dt
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.pipeline import check
from generator.yamlio import parse

pty = pytest.importorskip("pty")  # POSIX only
ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "records"
AS_OF = "2026-11-29"
TIMEOUT = 30


@pytest.fixture
def records(tmp_path: Path) -> Path:
    target = tmp_path / "records"
    shutil.copytree(SAMPLES, target)
    return target


class Terminal:
    """A process on a pseudo-terminal: wait for a question, type an answer."""

    def __init__(self, args: list[str]) -> None:
        self.master, slave = pty.openpty()
        env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8")
        env["TERM"] = "dumb"
        self.process = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, env=env, close_fds=True
        )
        os.close(slave)
        self.output = bytearray()
        self.mark = 0

    def _read(self, wait: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], wait)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the process ended and closed the terminal
            return False
        self.output.extend(chunk)
        return bool(chunk)

    @property
    def text(self) -> str:
        return self.output.decode("utf-8", "replace")

    def answer(self, question: str, reply: str) -> str:
        """Wait until `question` is asked (a prompt ends in "："), then type `reply`."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            since = self.output[self.mark :].decode("utf-8", "ignore")
            if question in since and since.rstrip().endswith("："):
                break
            if time.monotonic() > deadline or not self._read(0.1):
                raise AssertionError(f"never asked {question!r}; the terminal showed:\n{self.text}")
        self.mark = len(self.output)
        os.write(self.master, (reply + "\n").encode("utf-8"))
        return since

    def finish(self) -> int:
        deadline = time.monotonic() + TIMEOUT
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.1)
        while self._read(0.05) and select.select([self.master], [], [], 0)[0]:
            pass
        if self.process.poll() is None:
            self.process.kill()
        code = self.process.wait()
        os.close(self.master)
        return code


def generator(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def test_new_session_asks_in_chinese_with_defaults_and_writes_a_valid_file(records: Path) -> None:
    terminal = Terminal(
        generator(
            "new",
            "--records",
            str(records),
            "--as-of",
            AS_OF,
            "--unit",
            "kjxy",
            "--date",
            "2026-12-15",
        )
    )
    try:
        shown = terminal.answer("学习时间", "１４：３０")  # full-width, as a Chinese IME types it
        assert "［08:30］" in shown  # the last session's time, offered
        terminal.answer("学习地点", "")
        terminal.answer("中心组人数", "十五")
        terminal.answer("中心组人数", "")  # asked again after the Chinese explanation
        terminal.answer("主持人姓名", "")
        terminal.answer("主持人职务", "")
        terminal.answer("第一议题", "学习习近平总书记关于教育的重要论述")
        terminal.answer("其他学习内容", "学习二十届四中全会精神")
        terminal.answer("其他学习内容", "")
        terminal.answer("交流研讨人员", "王立新/院长/结合学院实际谈体会")
        terminal.answer("交流研讨人员", "李强院长谈体会")  # typed together: asked again
        terminal.answer("交流研讨人员", "李强 院长 谈体会")  # spaces, as an IME types them
        terminal.answer("交流研讨人员", "")
        terminal.answer("联系人", "")
        terminal.answer("联系电话", "")
        terminal.answer("报联络员和联系校领导的日期", "")
        terminal.answer("是否已确定来列席旁听", "是")
        preview = terminal.answer("确认写入", "")
    finally:
        code = terminal.finish()
    assert code == 0, terminal.text
    assert "应为不小于 1 的整数" in terminal.text
    assert "year_seq: 9" in preview  # the file is shown before it is written
    path = records / "sessions" / "kjxy" / "2026-12-15.yaml"
    data = parse(path.read_bytes()).data
    assert data["time"] == "14:30"
    assert data["members"] == 15 and data["location"] == "会计学院楼301会议室"
    assert data["topics"][0] == {"title": "学习习近平总书记关于教育的重要论述", "first_topic": True}
    assert data["speakers"] == [
        {"name": "王立新", "title": "院长", "outline": "结合学院实际谈体会"},
        {"name": "李强", "title": "院长", "outline": "谈体会"},
    ]
    assert "「李强院长谈体会」不像一个姓名" in terminal.text
    assert data["filed"] == {"arrangement": AS_OF}
    assert data["audits"] == [{"group": "g1"}]
    findings = check(records, dt.date(2026, 11, 29)).findings
    assert not [f for f in findings if f.file == "records/sessions/kjxy/2026-12-15.yaml"]
    assert "检查通过" in terminal.text


def test_declining_at_the_end_writes_nothing(records: Path) -> None:
    terminal = Terminal(
        generator(
            "new",
            "--records",
            str(records),
            "--as-of",
            AS_OF,
            "--unit",
            "kjxy",
            "--date",
            "2026-12-15",
            "--time",
            "14:30",
            "--first-topic",
            "学习",
            "--speaker",
            "王立新/院长/谈体会",
            "--not-arranged",
        )
    )
    try:
        for question in (
            "学习地点",
            "中心组人数",
            "主持人姓名",
            "主持人职务",
            "联系人",
            "联系电话",
        ):
            terminal.answer(question, "")
        terminal.answer("是否已确定", "否")
        terminal.answer("确认写入", "否")
    finally:
        code = terminal.finish()
    assert code == 2, terminal.text
    assert "已取消" in terminal.text
    assert not (records / "sessions" / "kjxy" / "2026-12-15.yaml").exists()


def test_audit_record_asked_field_by_field_with_hints(records: Path) -> None:
    terminal = Terminal(
        generator(
            "new",
            "--audit",
            "--records",
            str(records),
            "--as-of",
            AS_OF,
            "--unit",
            "kjxy",
            "--date",
            "2026-10-12",
        )
    )
    try:
        shown = terminal.answer("1.组织领导", "有学习方案，参加率80%，资料齐全")
        assert "实到 12 人，参加率 80%" in shown  # what the record already says, as a hint
        terminal.answer("2.学习内容", "落实第一议题")
        terminal.answer("3.学习方式", "研讨紧扣主题")
        terminal.answer("4.学习效果", "理论联系实际")
        terminal.answer("问题和建议", "建议督促缺席成员补学")
        terminal.answer("送交党委宣传部的日期", "2026-10-14")
    finally:
        code = terminal.finish()
    assert code == 0, terminal.text
    data = parse((records / "sessions" / "kjxy" / "2026-10-12.yaml").read_bytes()).data
    assert data["audits"][0]["filed"] == "2026-10-14"
    assert data["audits"][0]["findings"]["organization"] == "有学习方案，参加率80%，资料齐全"


def test_ctrl_d_cancels_without_a_traceback(records: Path) -> None:
    terminal = Terminal(
        generator(
            "new",
            "--records",
            str(records),
            "--as-of",
            AS_OF,
            "--unit",
            "kjxy",
            "--date",
            "2026-12-15",
        )
    )
    try:
        terminal.answer("学习时间", "")
        deadline = time.monotonic() + TIMEOUT
        while "学习地点" not in terminal.text and time.monotonic() < deadline:
            terminal._read(0.1)
        os.write(terminal.master, b"\x04")  # Ctrl+D: end of input
    finally:
        code = terminal.finish()
    assert code == 130, terminal.text
    assert "Traceback" not in terminal.text and "已中断" in terminal.text
    assert not (records / "sessions" / "kjxy" / "2026-12-15.yaml").exists()
