"""History check on throwaway Git repositories: what was filed stays filed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.cli import main
from generator.history import history

ROOT = Path(__file__).resolve().parent.parent
ORG = ROOT / "records" / "org.yaml"

FILED = """\
unit: kjxy
date: 2026-03-18
time: "14:30"
location: 会计学院301会议室
year_seq: 1
members: 15
present: 14
host: {name: 张明华, title: 党委书记}
topics:
  - title: 学习习近平总书记关于教育的重要论述
    first_topic: true
speakers:
  - {name: 李晓燕, title: 副书记, outline: 谈体会, written: true}
contact: {name: 周一, phone: "0931-1234567"}
filed:
  arrangement: 2026-03-16
  post_copy: 2026-03-19
audits:
  - group: g1
    findings: {organization: 有方案, content: 第一议题, method: 研讨, effect: 联系实际}
    problems: 无
    filed: 2026-03-20
visitors:
  - unit: xxgc
    name: 杨建军
    role: 书记
    report_filed: 2026-03-20
"""

# A session held on 2026-03-25 whose arrangement alone is filed so far.
HELD = """\
unit: xxgc
date: 2026-03-25
time: "9:30"
location: 信息工程学院报告厅
year_seq: 1
members: 11
host: {name: 杨建军, title: 党委书记}
topics:
  - title: 传达学习全国两会精神
    first_topic: true
contact: {name: 钱二, phone: 13912345678}
filed:
  arrangement: 2026-03-23
"""

# A planned session: nothing filed.
PLANNED = """\
unit: jgdw
date: 2026-04-20
time: "15:00"
location: 行政楼第一会议室
year_seq: 2
members: 9
host: {name: 梁国栋, title: 党委书记}
topics:
  - title: 学习党的创新理论
    first_topic: true
contact: {name: 孙三, phone: "0931-7654321"}
"""

KJXY = "records/sessions/kjxy/2026-03-18.yaml"
XXGC = "records/sessions/xxgc/2026-03-25.yaml"
JGDW = "records/sessions/jgdw/2026-04-20.yaml"


class Repo:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.records = path / "records"

    def git(self, *args: str, when: str = "2026-03-20T18:00:00+08:00") -> str:
        env = {
            **os.environ,
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_DATE": when,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        done = subprocess.run(
            ["git", *args], cwd=self.path, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    def write(self, relative: str, text: str) -> None:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def read(self, relative: str) -> str:
        return (self.path / relative).read_text(encoding="utf-8")

    def edit(self, relative: str, old: str, new: str) -> None:
        text = self.read(relative)
        assert old in text, old
        self.write(relative, text.replace(old, new, 1))

    def commit(self, message: str, when: str = "2026-03-20T18:00:00+08:00") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, when=when)
        return self.git("rev-parse", "HEAD")

    def line_of(self, relative: str, needle: str) -> int:
        lines = self.read(relative).splitlines()
        return next(i for i, line in enumerate(lines, 1) if needle in line)

    def findings(self, base: str = "main", as_of: str = "2026-04-30") -> list[dict]:
        import datetime as dt

        result = history(self.records, base, dt.date.fromisoformat(as_of))
        return [f.as_json() for f in result.findings]


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    r = Repo(tmp_path / "repo")
    r.path.mkdir()
    r.git("init", "-q", "-b", "main")
    r.git("config", "user.name", "测试联络员")
    r.git("config", "user.email", "liaison@example.invalid")
    r.git("config", "commit.gpgsign", "false")
    r.records.mkdir()
    shutil.copy(ORG, r.records / "org.yaml")
    r.write(KJXY, FILED)
    r.write(XXGC, HELD)
    r.write(JGDW, PLANNED)
    r.commit("基准：三份记录")
    r.git("checkout", "-q", "-b", "pr")
    return r


def rules(findings: list[dict]) -> list[str]:
    return [f["rule"] for f in findings]


# ---------------------------------------------------------------- fine changes


def test_no_change_no_findings(repo: Repo) -> None:
    repo.commit("空提交")
    assert repo.findings() == []


def test_adding_a_record_is_fine(repo: Repo) -> None:
    april = "records/sessions/kjxy/2026-04-15.yaml"
    full = FILED.replace("2026-03-18", "2026-04-15").replace("2026-03-16", "2026-04-13")
    full = full.replace("post_copy: 2026-03-19", "post_copy: 2026-04-16").replace(
        "2026-03-20", "2026-04-17"
    )
    repo.write(april, full[: full.index("  post_copy:")])  # the arrangement form, as filed
    repo.commit("新增四月学习安排", when="2026-04-13T20:00:00+08:00")
    repo.write(april, full)  # after the session: post copy, audit, visitor
    repo.commit("四月学习会后报送", when="2026-04-17T20:00:00+08:00")
    assert repo.findings() == []


def test_legitimate_late_filing_is_fine(repo: Repo) -> None:
    # post copy due 2026-03-27; filed late on 2026-04-01 and committed that day.
    repo.edit(
        XXGC, "  arrangement: 2026-03-23\n", "  arrangement: 2026-03-23\n  post_copy: 2026-04-01\n"
    )
    repo.edit(XXGC, "members: 11\n", "members: 11\npresent: 11\n")
    repo.commit("补报安排表", when="2026-04-01T10:00:00+08:00")
    assert repo.findings() == []
    import datetime as dt

    from generator.pipeline import check

    late = [f.rule for f in check(repo.records, dt.date(2026, 4, 30)).findings if f.file == XXGC]
    assert "post-copy-late" in late, "check still says it was late"


def test_audit_and_visitor_added_after_the_fact_are_fine(repo: Repo) -> None:
    repo.write(
        XXGC,
        repo.read(XXGC)
        + "audits:\n  - group: g1\n    findings: {organization: 有, content: 有, method: 有, effect: 有}\n"
        "    problems: 无\n    filed: 2026-03-27\n"
        "visitors:\n  - unit: kjxy\n    name: 李晓燕\n    role: 副书记\n    report_filed: 2026-03-27\n",
    )
    repo.commit("补录旁听和列席", when="2026-03-27T21:00:00+08:00")
    # and one more audit on the session whose audit was already filed
    repo.edit(
        KJXY,
        "visitors:\n",
        "  - group: g1\n    findings: {organization: 二, content: 二, method: 二, effect: 二}\n"
        "    problems: 无\n    filed: 2026-03-28\nvisitors:\n",
    )
    repo.commit("第二次旁听记录", when="2026-03-28T09:00:00+08:00")
    assert repo.findings() == []


def test_appending_amendments_and_filing_what_was_due_is_fine(repo: Repo) -> None:
    repo.write(KJXY, repo.read(KJXY) + "amendments:\n  - date: 2026-03-22\n    reason: 更正地点\n")
    repo.edit(KJXY, "location: 会计学院301会议室", "location: 会计学院302会议室")
    repo.edit(XXGC, "members: 11\n", "members: 11\npresent: 10\n")  # present was never filed
    repo.commit("更正地点", when="2026-03-22T10:00:00+08:00")
    assert repo.findings() == []


def test_unfiled_planned_session_may_change_or_go(repo: Repo) -> None:
    repo.edit(JGDW, "location: 行政楼第一会议室", "location: 行政楼第二会议室")
    repo.commit("改地点")
    assert repo.findings() == []
    repo.git("rm", "-q", JGDW)
    repo.commit("取消计划")
    assert repo.findings() == []


def test_same_meaning_written_differently_is_not_a_change(repo: Repo) -> None:
    repo.edit(XXGC, 'time: "9:30"', 'time: "09:30"')
    repo.edit(XXGC, "phone: 13912345678", 'phone: "13912345678"')
    repo.edit(KJXY, "unit: kjxy\n", "unit: kjxy\nkind: 中心组学习\n")
    repo.edit(
        KJXY, "host: {name: 张明华, title: 党委书记}", "host:\n  title: 党委书记\n  name: 张明华"
    )
    repo.commit("只是改写法")
    assert repo.findings() == []


def test_reordering_filed_entries_is_not_a_change(repo: Repo) -> None:
    repo.edit(
        KJXY,
        "visitors:\n",
        "  - group: g1\nvisitors:\n  - unit: jjxy\n    name: 何志远\n    role: 书记\n",
    )
    repo.commit("计划第二次旁听，新列席人")
    text = repo.read(KJXY)
    audits = text[text.index("audits:\n") : text.index("visitors:\n")].split("  - group: g1")
    text = text.replace(
        "".join(audits), "audits:\n  - group: g1" + audits[2] + "  - group: g1" + audits[1]
    )
    repo.write(KJXY, text)
    repo.commit("调整顺序")
    assert repo.findings() == []


# ---------------------------------------------------------------- deletions and renames


def test_deleting_a_filed_record(repo: Repo) -> None:
    repo.git("rm", "-q", KJXY)
    repo.commit("删除")
    found = repo.findings()
    assert rules(found) == ["record-deleted"]
    assert found[0]["file"] == KJXY
    assert found[0]["line"] is None
    assert found[0]["unit"] == "kjxy"
    assert found[0]["semester"] == "2025-2026-2"
    assert found[0]["severity"] == "error"


def test_deleting_in_the_work_tree_counts_before_any_commit(repo: Repo) -> None:
    (repo.path / XXGC).unlink()
    assert rules(repo.findings()) == ["record-deleted"]


def test_renaming_a_filed_record_away(repo: Repo) -> None:
    new = "records/sessions/kjxy/2026-03-19.yaml"
    repo.git("mv", KJXY, new)
    repo.edit(new, "date: 2026-03-18", "date: 2026-03-19")
    repo.commit("改日期并改名")
    found = repo.findings()
    assert rules(found) == ["record-deleted"]
    assert found[0]["file"] == KJXY
    assert new in found[0]["message"], "the message names where it went"


# ---------------------------------------------------------------- filed values changed


def test_editing_a_filed_field_without_amendment(repo: Repo) -> None:
    repo.edit(KJXY, "location: 会计学院301会议室", "location: 会计学院302会议室")
    repo.commit("改地点")
    found = repo.findings()
    assert rules(found) == ["filed-record-changed"]
    assert found[0]["line"] == repo.line_of(KJXY, "location:")
    assert found[0]["file"] == KJXY and found[0]["unit"] == "kjxy"
    assert "会计学院301会议室" in found[0]["message"] and "会计学院302会议室" in found[0]["message"]
    assert "amendments" in found[0]["message"]


def test_editing_a_filed_field_with_amendment(repo: Repo) -> None:
    repo.edit(KJXY, "location: 会计学院301会议室", "location: 会计学院302会议室")
    repo.write(
        KJXY, repo.read(KJXY) + "amendments:\n  - date: 2026-03-22\n    reason: 地点写错了\n"
    )
    repo.commit("改地点并说明")
    assert repo.findings() == []


def test_an_amendment_from_an_earlier_change_does_not_cover_a_new_one(repo: Repo) -> None:
    repo.write(
        KJXY, repo.read(KJXY) + "amendments:\n  - date: 2026-03-22\n    reason: 地点写错了\n"
    )
    repo.edit(KJXY, "location: 会计学院301会议室", "location: 会计学院302会议室")
    repo.commit("第一次更正")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "pr")
    repo.git("checkout", "-q", "-b", "pr2")
    repo.edit(KJXY, "members: 15", "members: 16")
    repo.commit("又改人数")
    found = repo.findings()
    assert rules(found) == ["filed-record-changed"]
    assert found[0]["line"] == repo.line_of(KJXY, "members:")


def test_nested_change_points_at_the_nested_line(repo: Repo) -> None:
    repo.edit(KJXY, "学习习近平总书记关于教育的重要论述", "学习习近平总书记关于科技的重要论述")
    repo.commit("改学习内容")
    found = repo.findings()
    assert rules(found) == ["filed-record-changed"]
    assert found[0]["line"] == repo.line_of(KJXY, "关于科技")
    assert "topics[1].title" in found[0]["message"]


def test_each_filed_part_is_protected(repo: Repo) -> None:
    repo.edit(KJXY, "present: 14", "present: 15")  # filed with post_copy
    repo.edit(KJXY, "post_copy: 2026-03-19", "post_copy: 2026-03-20")
    repo.edit(KJXY, "problems: 无", "problems: 建议加强调研")  # the audit was filed
    repo.edit(KJXY, "role: 书记", "role: 副书记")  # the visitor's report was filed
    repo.edit(XXGC, "arrangement: 2026-03-23", "arrangement: 2026-03-22")
    repo.commit("多处改动")
    found = repo.findings()
    lines = {(f["file"], f["line"]) for f in found}
    assert rules(found) == ["filed-record-changed"] * 5
    assert lines == {
        (KJXY, repo.line_of(KJXY, "present:")),
        (KJXY, repo.line_of(KJXY, "post_copy:")),
        (KJXY, repo.line_of(KJXY, "problems:")),
        (KJXY, repo.line_of(KJXY, "role:")),
        (XXGC, repo.line_of(XXGC, "arrangement:")),
    }


def test_removing_filed_values(repo: Repo) -> None:
    repo.edit(KJXY, "  post_copy: 2026-03-19\n", "")
    repo.edit(
        KJXY, "speakers:\n  - {name: 李晓燕, title: 副书记, outline: 谈体会, written: true}\n", ""
    )
    text = repo.read(KJXY)
    repo.write(
        KJXY, text[: text.index("audits:")] + "audits: []\n" + text[text.index("visitors:") :]
    )
    repo.commit("删掉一些")
    found = repo.findings()
    assert rules(found) == ["filed-record-changed"] * 3
    by_line = {f["line"]: f["message"] for f in found}
    assert None in by_line and "speakers" in by_line[None], "a removed top-level field has no line"
    assert "被删除了" in by_line[repo.line_of(KJXY, "filed:")]
    assert "g1" in by_line[repo.line_of(KJXY, "audits:")]


def test_adding_a_field_the_filed_form_lacked_is_a_change(repo: Repo) -> None:
    repo.edit(XXGC, "contact:", "speakers:\n  - {name: 周丽娟, title: 副书记}\ncontact:")
    repo.commit("补发言人")
    found = repo.findings()
    assert rules(found) == ["filed-record-changed"]
    assert found[0]["line"] == repo.line_of(XXGC, "周丽娟")


def test_an_unreadable_new_version_is_left_to_check(repo: Repo) -> None:
    repo.edit(KJXY, "location: 会计学院301会议室", "location: [会计学院")
    repo.commit("写坏了")
    assert repo.findings() == [], (
        "check reports the yaml-syntax error; history has nothing to compare"
    )


def test_rewriting_an_amendment(repo: Repo) -> None:
    repo.write(
        KJXY, repo.read(KJXY) + "amendments:\n  - date: 2026-03-22\n    reason: 地点写错了\n"
    )
    repo.edit(KJXY, "location: 会计学院301会议室", "location: 会计学院302会议室")
    repo.commit("第一次更正")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "pr")
    repo.git("checkout", "-q", "-b", "pr2")
    repo.edit(KJXY, "reason: 地点写错了", "reason: 没有更正")
    repo.write(KJXY, repo.read(KJXY) + "  - date: 2026-03-25\n    reason: 新的更正\n")
    repo.commit("改写更正记录")
    found = repo.findings()
    assert rules(found) == ["filed-record-changed"]
    assert found[0]["line"] == repo.line_of(KJXY, "- date: 2026-03-22")
    assert "只能在末尾追加" in found[0]["message"]


def test_base_is_the_merge_base_not_the_tip(repo: Repo) -> None:
    # main moves on after the pull request branched off: a new filed record lands there.
    repo.git("checkout", "-q", "main")
    repo.write("records/sessions/glxy/2026-03-25.yaml", FILED.replace("kjxy", "glxy"))
    repo.commit("main 上新增记录")
    repo.git("checkout", "-q", "pr")
    repo.edit(JGDW, "location: 行政楼第一会议室", "location: 行政楼第二会议室")
    repo.commit("改计划")
    assert repo.findings(base="main") == [], "what main gained is not deleted by the branch"


# ---------------------------------------------------------------- filing dates against commit dates


def test_backdated_filing_is_a_warning_in_the_org_time_zone(repo: Repo) -> None:
    # committed 2026-04-05 01:00 in Beijing (still 2026-04-04 in UTC)
    repo.edit(
        XXGC, "  arrangement: 2026-03-23\n", "  arrangement: 2026-03-23\n  post_copy: 2026-04-03\n"
    )
    repo.commit("补报", when="2026-04-05T01:00:00+08:00")
    found = repo.findings()
    assert rules(found) == ["filing-backdated"]
    assert found[0]["severity"] == "warning"
    assert found[0]["line"] == repo.line_of(XXGC, "post_copy:")
    assert "2026-04-05" in found[0]["message"] and "2 天" in found[0]["message"]


def test_one_day_earlier_is_not_backdated(repo: Repo) -> None:
    repo.edit(
        XXGC, "  arrangement: 2026-03-23\n", "  arrangement: 2026-03-23\n  post_copy: 2026-04-04\n"
    )
    repo.commit("补报", when="2026-04-05T23:30:00+08:00")
    assert repo.findings() == []


def test_backdating_uses_the_first_commit_that_has_the_date(repo: Repo) -> None:
    repo.edit(
        XXGC, "  arrangement: 2026-03-23\n", "  arrangement: 2026-03-23\n  post_copy: 2026-03-26\n"
    )
    repo.commit("按时报送", when="2026-03-26T20:00:00+08:00")
    repo.edit(XXGC, "location: 信息工程学院报告厅", "location: 信息工程学院报告厅B")
    repo.commit("后来的无关修改", when="2026-04-10T09:00:00+08:00")  # arrangement only was filed
    found = repo.findings()
    assert rules(found) == ["filed-record-changed"], "the later commit does not make it backdated"


def test_backdated_audit_and_visitor_carry_their_scope(repo: Repo) -> None:
    repo.write(
        XXGC,
        repo.read(XXGC)
        + "audits:\n  - group: g1\n    findings: {organization: 有, content: 有, method: 有, effect: 有}\n"
        "    problems: 无\n    filed: 2026-03-27\n",
    )
    repo.commit("补录旁听", when="2026-04-02T09:00:00+08:00")
    found = repo.findings()
    assert rules(found) == ["filing-backdated"]
    assert found[0]["group"] == "g1" and found[0]["unit"] == "xxgc"


def test_uncommitted_filing_is_compared_with_today(repo: Repo) -> None:
    repo.edit(
        XXGC, "  arrangement: 2026-03-23\n", "  arrangement: 2026-03-23\n  post_copy: 2026-03-26\n"
    )
    assert rules(repo.findings(as_of="2026-03-27")) == []
    found = repo.findings(as_of="2026-03-30")
    assert rules(found) == ["filing-backdated"] and "还没有提交" in found[0]["message"]


def test_sample_history_is_not_flagged_outside_the_range(repo: Repo) -> None:
    # Every date in the base was committed long after it (here: all on 2026-03-20 or later);
    # only the range under review counts, so nothing of the base is reported.
    repo.commit("空提交", when="2026-11-29T10:00:00+08:00")
    assert repo.findings() == []


# ---------------------------------------------------------------- refusing to guess


def test_shallow_clone_gets_a_clear_message(repo: Repo, tmp_path: Path, capsys) -> None:
    repo.commit("再一个提交")
    shallow = tmp_path / "shallow"
    subprocess.run(
        [
            "git",
            "clone",
            "-q",
            "--depth",
            "1",
            "--branch",
            "pr",
            f"file://{repo.path}",
            str(shallow),
        ],
        check=True,
        capture_output=True,
    )
    code = main(
        ["history", "--records", str(shallow / "records"), "--base", "HEAD", "--format", "json"]
    )
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == "", "no findings, no JSON: not a wrong answer"
    assert "浅克隆" in captured.err and "fetch-depth: 0" in captured.err


def test_unknown_base_and_no_repository(repo: Repo, tmp_path: Path, capsys) -> None:
    code = main(["history", "--records", str(repo.records), "--base", "origin/nothing"])
    assert code == 2 and "找不到比较基准" in capsys.readouterr().err
    code = main(["history", "--records", str(repo.records), "--base=--output=x"])
    assert code == 2
    outside = tmp_path / "plain" / "records"
    outside.mkdir(parents=True)
    code = main(["history", "--records", str(outside), "--base", "main"])
    assert code == 2 and "不在 Git 仓库里" in capsys.readouterr().err


def test_shallow_clone_in_github_format_says_so_as_an_annotation(
    repo: Repo, tmp_path: Path, capsys
) -> None:
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(shallow)],
        check=True,
        capture_output=True,
    )
    code = main(
        ["history", "--records", str(shallow / "records"), "--base", "HEAD", "--format", "github"]
    )
    out = capsys.readouterr().out.splitlines()
    assert code == 2
    assert len(out) == 1 and out[0].startswith("::error title=") and "%0A" not in out[0][:20]


# ---------------------------------------------------------------- the command


def test_cli_formats_and_exit_codes(repo: Repo, capsys, tmp_path: Path, monkeypatch) -> None:
    repo.edit(KJXY, "members: 15", "members: 16")
    repo.commit("改人数")
    args = ["history", "--records", str(repo.records), "--base", "main", "--as-of", "2026-04-30"]
    assert main([*args, "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {"as_of", "sessions", "findings", "base"}
    assert payload["sessions"] == 3 and payload["as_of"] == "2026-04-30"
    assert payload["base"] == repo.git("rev-parse", "main")
    assert [f["rule"] for f in payload["findings"]] == ["filed-record-changed"]
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main([*args, "--format", "github"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"::error file={KJXY},line={repo.line_of(KJXY, 'members:')},title=")
    assert "历史检查" in summary.read_text(encoding="utf-8")
    assert main([*args]) == 1
    assert "共同祖先" in capsys.readouterr().out


def test_warnings_pass_unless_asked(repo: Repo, capsys) -> None:
    repo.edit(
        XXGC, "  arrangement: 2026-03-23\n", "  arrangement: 2026-03-23\n  post_copy: 2026-03-26\n"
    )
    repo.commit("补报", when="2026-04-10T09:00:00+08:00")
    args = ["history", "--records", str(repo.records), "--base", "main", "--as-of", "2026-04-30"]
    assert main(args) == 0
    assert main([*args, "--fail-on", "warning"]) == 1
    capsys.readouterr()


# ---------------------------------------------------------------- links and other non-regular files


def link(repo: Repo, relative: str, target: str) -> None:
    path = repo.path / relative
    if path.is_dir() and not path.is_symlink():
        path.rmdir()
    elif path.is_symlink() or path.exists():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def test_a_filed_record_replaced_by_a_link_to_an_identical_copy(repo: Repo) -> None:
    # attack 1: the copy outside records/ could later be edited or deleted unseen
    repo.write("archive/k.yaml", repo.read(KJXY))
    link(repo, KJXY, "../../../archive/k.yaml")
    repo.commit("换成链接")
    found = repo.findings()
    assert sorted(rules(found)) == ["file-not-regular", "record-deleted"]
    assert {f["file"] for f in found} == {KJXY}
    assert all(f["severity"] == "error" and f["unit"] == "kjxy" for f in found)
    deleted = next(f for f in found if f["rule"] == "record-deleted")
    assert "链接" in deleted["message"]


def test_a_link_merged_earlier_launders_nothing(repo: Repo) -> None:
    # attack 1, later: the link slipped onto main; what stood there before it is what was filed
    repo.write("archive/k.yaml", repo.read(KJXY))
    link(repo, KJXY, "../../../archive/k.yaml")
    repo.commit("换成链接")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "pr")
    repo.git("checkout", "-q", "-b", "back")
    (repo.path / KJXY).unlink()
    repo.write(KJXY, repo.read("archive/k.yaml").replace("会计学院301会议室", "别处"))
    repo.commit("换回文件，顺便改了地点")
    found = repo.findings()
    assert rules(found) == ["filed-record-changed"]
    assert found[0]["line"] == repo.line_of(KJXY, "location:") and "别处" in found[0]["message"]
    repo.git("checkout", "-q", "-f", "main")
    repo.git("checkout", "-q", "-b", "gone")
    repo.git("rm", "-q", KJXY)
    repo.commit("删掉链接")
    assert rules(repo.findings()) == ["record-deleted"]
    repo.git("checkout", "-q", "-f", "main")
    repo.git("checkout", "-q", "-b", "copy")
    repo.edit("archive/k.yaml", "会计学院301会议室", "别处")
    repo.commit("只改链接指向的副本")
    assert sorted(rules(repo.findings())) == ["file-not-regular", "record-deleted"]


def test_the_records_folder_made_a_link(repo: Repo) -> None:
    # attack 2: git mv records data; ln -s data records; then an edit and a deletion
    repo.git("mv", "records", "data")
    link(repo, "records", "data")
    repo.edit("data/sessions/kjxy/2026-03-18.yaml", "members: 15", "members: 16")
    repo.git("rm", "-q", "-f", "data/sessions/xxgc/2026-03-25.yaml")
    repo.commit("整个文件夹换成链接")
    found = repo.findings()
    assert ("file-not-regular", "records") in {(f["rule"], f["file"]) for f in found}
    deleted = {f["file"] for f in found if f["rule"] == "record-deleted"}
    assert deleted == {KJXY, XXGC}, "both filed records are gone from records/; the plan had none"


def test_the_records_folder_linked_to_the_top(repo: Repo) -> None:
    repo.git("mv", "records/sessions", "sessions")
    repo.git("mv", "records/org.yaml", "org.yaml")
    link(repo, "records", ".")
    repo.edit("sessions/kjxy/2026-03-18.yaml", "members: 15", "members: 16")
    repo.commit("文件夹链接到仓库根目录")
    found = repo.findings()
    assert ("file-not-regular", "records") in {(f["rule"], f["file"]) for f in found}
    assert {f["file"] for f in found if f["rule"] == "record-deleted"} == {KJXY, XXGC}


def test_a_records_folder_that_was_a_link_on_main_is_compared_with_what_stood_before(
    repo: Repo,
) -> None:
    repo.git("mv", "records", "data")
    link(repo, "records", "data")
    repo.commit("整个文件夹换成链接")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "pr")
    repo.git("checkout", "-q", "-b", "restore")
    (repo.path / "records").unlink()
    repo.git("mv", "data", "records")
    repo.edit(KJXY, "members: 15", "members: 16")
    repo.commit("恢复文件夹，顺便改了人数")
    found = repo.findings()
    assert rules(found) == ["filed-record-changed"]
    assert found[0]["file"] == KJXY and found[0]["line"] == repo.line_of(KJXY, "members:")


def test_other_non_regular_files_are_never_read(repo: Repo) -> None:
    fifo = repo.path / "records" / "sessions" / "kjxy" / "2026-04-01.yaml"
    os.mkfifo(fifo)  # reading it would block forever
    found = repo.findings()
    assert rules(found) == ["file-not-regular"]
    assert found[0]["file"] == "records/sessions/kjxy/2026-04-01.yaml"
    assert found[0]["unit"] == "kjxy"


def test_the_command_names_a_linked_records_folder(repo: Repo, capsys) -> None:
    repo.git("mv", "records", "data")
    link(repo, "records", "data")
    repo.commit("整个文件夹换成链接")
    args = ["history", "--records", str(repo.records), "--base", "main", "--as-of", "2026-04-30"]
    assert main([*args, "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert {"file-not-regular", "record-deleted"} == {f["rule"] for f in payload["findings"]}


# ---------------------------------------------------------------- amendments correct content, never the evidence


def amend(repo: Repo, relative: str, date: str, reason: str) -> None:
    text = repo.read(relative)
    entry = f"  - date: {date}\n    reason: {reason!r}\n".replace("'", '"')
    repo.write(relative, text + ("" if "amendments:" in text else "amendments:\n") + entry)


def test_an_amendment_does_not_cover_a_backdated_filing_date(repo: Repo) -> None:
    # attack 3: {date: 2099-01-01, reason: " "} moved filed.arrangement two days earlier
    repo.edit(KJXY, "arrangement: 2026-03-16", "arrangement: 2026-03-14")
    amend(repo, KJXY, "2099-01-01", " ")
    repo.commit("提前报送日期")
    found = repo.findings()
    assert "filed-record-changed" in rules(found)
    changed = next(f for f in found if f["rule"] == "filed-record-changed")
    assert changed["line"] == repo.line_of(KJXY, "arrangement:")
    assert "2026-03-16" in changed["message"] and "2026-03-14" in changed["message"]
    assert "amendments" in changed["message"] and "也不行" in changed["message"]


def test_an_amendment_does_not_cover_a_filed_audit_that_disappears(repo: Repo) -> None:
    # attack 3: {date: 1900-01-01, reason: "."} let a whole filed 附件2 disappear
    text = repo.read(KJXY)
    repo.write(KJXY, text[: text.index("audits:")] + text[text.index("visitors:") :])
    amend(repo, KJXY, "1900-01-01", ".")
    repo.commit("删掉旁听记录")
    found = repo.findings()
    assert rules(found) == ["filed-record-changed"]
    assert "g1" in found[0]["message"] and "被删除了" in found[0]["message"]


def test_a_filed_audit_and_a_filed_visitor_never_change_even_with_an_amendment(
    repo: Repo,
) -> None:
    repo.edit(KJXY, "problems: 无", "problems: 建议加强调研")
    repo.edit(KJXY, "role: 书记", "role: 副书记")
    repo.edit(KJXY, "report_filed: 2026-03-20", "report_filed: 2026-03-21")
    amend(repo, KJXY, "2026-03-22", "更正旁听意见和列席人职务")
    repo.commit("改旁听意见")
    found = repo.findings()
    assert rules(found) == ["filed-record-changed"] * 2
    assert {f["line"] for f in found} == {
        repo.line_of(KJXY, "problems:"),
        repo.line_of(KJXY, "role:"),
    }, "one finding per filed entry, at its first difference"


def test_each_filing_date_is_evidence(repo: Repo) -> None:
    repo.edit(KJXY, "  post_copy: 2026-03-19\n", "")
    repo.edit(KJXY, "    filed: 2026-03-20\n", "    filed: 2026-03-21\n")
    repo.edit(XXGC, "arrangement: 2026-03-23", "arrangement: 2026-03-22")
    amend(repo, KJXY, "2026-03-22", "更正日期")
    amend(repo, XXGC, "2026-03-26", "更正日期")
    repo.commit("改报送日期")
    found = repo.findings()
    assert rules(found) == ["filed-record-changed"] * 3
    assert {(f["file"], f["line"]) for f in found} == {
        (KJXY, repo.line_of(KJXY, "filed:")),  # post_copy gone: the key around it
        (KJXY, repo.line_of(KJXY, "    filed: 2026-03-21")),
        (XXGC, repo.line_of(XXGC, "arrangement:")),
    }


def test_an_amendment_still_covers_content(repo: Repo) -> None:
    repo.edit(KJXY, "present: 14", "present: 13")
    repo.edit(
        KJXY, "学习习近平总书记关于教育的重要论述", "学习习近平总书记关于教育的重要论述（节选）"
    )
    amend(repo, KJXY, "2026-03-22", "更正实到人数和学习内容")
    repo.commit("更正内容")
    assert repo.findings() == []


# ---------------------------------------------------------------- rectification (v2)

RECTIFY = "    rectify_by: 2026-04-20\n"
RECTIFIED = "    rectification:\n      measures: 制定调研成果转化清单\n      filed: 2026-04-18\n"


def on_main(repo: Repo, message: str, when: str) -> None:
    """Commit the work tree's changes on main and branch off again: they are the base."""
    repo.commit(message, when=when)
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "pr")
    repo.git("checkout", "-q", "-B", "pr")


def test_adding_a_rectification_to_a_filed_audit_is_not_a_change(repo: Repo) -> None:
    repo.edit(KJXY, "    filed: 2026-03-20\n", "    filed: 2026-03-20\n" + RECTIFY)
    on_main(repo, "旁听记录（含整改期限）", when="2026-03-20T18:00:00+08:00")
    repo.edit(KJXY, RECTIFY, RECTIFY + "    rectification:\n      measures: 正在整改\n")
    repo.commit("整改情况（未报）", when="2026-04-10T18:00:00+08:00")
    repo.edit(
        KJXY,
        "      measures: 正在整改\n",
        "      measures: 制定调研成果转化清单\n      filed: 2026-04-18\n",
    )
    repo.commit("整改情况已报", when="2026-04-18T18:00:00+08:00")
    assert repo.findings() == []


def test_adding_a_deadline_to_a_filed_audit_is_a_change(repo: Repo) -> None:
    repo.edit(KJXY, "    filed: 2026-03-20\n", "    filed: 2026-03-20\n" + RECTIFY)
    repo.commit("事后加整改期限")
    found = repo.findings()
    assert rules(found) == ["filed-record-changed"]
    assert found[0]["line"] == repo.line_of(KJXY, "rectify_by:")


def test_a_filed_rectification_is_filed_like_everything_else(repo: Repo) -> None:
    repo.edit(KJXY, "    filed: 2026-03-20\n", "    filed: 2026-03-20\n" + RECTIFY + RECTIFIED)
    on_main(repo, "整改情况已报", when="2026-04-18T18:00:00+08:00")
    repo.edit(KJXY, "制定调研成果转化清单", "制定清单")
    repo.commit("改整改措施")
    found = repo.findings()
    assert rules(found) == ["filed-record-changed"]
    assert found[0]["line"] == repo.line_of(KJXY, "measures:")
    amend(repo, KJXY, "2026-04-25", "更正整改措施")
    repo.commit("补更正记录")
    assert repo.findings() == [], "its content changes with an amendment"
    repo.edit(KJXY, "      filed: 2026-04-18\n", "      filed: 2026-04-16\n")
    repo.commit("改整改报送日期")
    found = repo.findings()
    assert rules(found) == ["filed-record-changed"], "its date never does"
    assert found[0]["line"] == repo.line_of(KJXY, "filed: 2026-04-16")
    repo.edit(KJXY, "      filed: 2026-04-16\n", "      filed: 2026-04-18\n")
    repo.edit(KJXY, "    rectification:\n      measures: 制定清单\n      filed: 2026-04-18\n", "")
    repo.commit("删掉整改情况")
    found = repo.findings()
    assert rules(found) == ["filed-record-changed"], "its date is gone (the measures: amended)"
    assert "rectification.filed" in found[0]["message"]


def test_a_backdated_rectification_is_warned_about(repo: Repo) -> None:
    repo.edit(KJXY, "    filed: 2026-03-20\n", "    filed: 2026-03-20\n" + RECTIFY)
    on_main(repo, "旁听记录（含整改期限）", when="2026-03-20T18:00:00+08:00")
    repo.edit(KJXY, RECTIFY, RECTIFY + RECTIFIED)
    repo.commit("整改情况已报", when="2026-04-25T18:00:00+08:00")
    found = repo.findings()
    assert rules(found) == ["filing-backdated"]
    assert found[0]["group"] == "g1"
    assert found[0]["line"] == repo.line_of(KJXY, "filed: 2026-04-18")


# ---------------------------------------------------------------- annual plans (v2)

PLAN = "records/plans/kjxy/2026.yaml"
PLAN_TEXT = """\
unit: kjxy
year: 2026
filed: 2026-02-27
items:
  - month: 2026-03
    topics:
      - 学习贯彻全国两会精神
  - month: 2026-04
    topics: [学习《习近平谈治国理政》第五卷]
"""


@pytest.fixture
def planned(repo: Repo) -> Repo:
    repo.git("checkout", "-q", "main")
    repo.write(PLAN, PLAN_TEXT)
    repo.commit("年度学习计划", when="2026-02-27T18:00:00+08:00")
    repo.git("checkout", "-q", "-B", "pr")
    return repo


def test_a_filed_plan_is_never_deleted(planned: Repo) -> None:
    planned.git("rm", "-q", PLAN)
    planned.commit("删掉计划")
    found = planned.findings()
    assert rules(found) == ["record-deleted"]
    assert found[0]["file"] == PLAN and found[0]["unit"] == "kjxy"
    assert found[0]["year"] == 2026, "like check's findings on plan files"


def test_a_filed_plan_is_append_only(planned: Repo) -> None:
    planned.edit(PLAN, "学习贯彻全国两会精神", "学习两会精神")
    planned.commit("改计划内容")
    found = planned.findings()
    assert rules(found) == ["filed-record-changed"]
    assert "学习贯彻全国两会精神" in found[0]["message"]
    assert found[0]["line"] == planned.line_of(PLAN, "学习两会精神")
    planned.edit(PLAN, "学习两会精神", "学习贯彻全国两会精神")
    planned.edit(
        PLAN, "      - 学习贯彻全国两会精神\n", "      - 学习贯彻全国两会精神\n      - 学习党章\n"
    )
    planned.commit("增加学习内容")
    found = planned.findings()
    assert rules(found) == ["filed-record-changed"], "an added topic needs an amendment"
    assert (
        found[0]["line"] == planned.line_of(PLAN, "学习党章") and "学习党章" in found[0]["message"]
    )
    amend(planned, PLAN, "2026-03-02", "增加学习党章")
    planned.commit("补更正记录")
    assert planned.findings() == []
    planned.edit(PLAN, "  - month: 2026-04\n    topics: [学习《习近平谈治国理政》第五卷]\n", "")
    planned.edit(PLAN, "filed: 2026-02-27", "filed: 2026-02-26")
    planned.commit("删掉四月的安排")
    found = planned.findings()
    assert sorted(rules(found)) == ["filed-record-changed"] * 2 + ["filing-backdated"], (
        "the month and the date are gone, amendment or not; the new date is also backdated"
    )


def test_an_unfiled_plan_may_change(repo: Repo) -> None:
    repo.write(PLAN, PLAN_TEXT.replace("filed: 2026-02-27\n", ""))
    repo.commit("计划草稿")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "pr")
    repo.git("checkout", "-q", "-b", "draft")
    repo.edit(PLAN, "学习贯彻全国两会精神", "学习两会精神")
    repo.commit("改草稿")
    assert repo.findings() == []
    repo.git("rm", "-q", PLAN)
    repo.commit("删掉草稿")
    assert repo.findings() == []


def test_a_backdated_plan_filing_is_warned_about(repo: Repo) -> None:
    repo.write(PLAN, PLAN_TEXT)
    repo.commit("年度学习计划", when="2026-03-10T18:00:00+08:00")
    found = repo.findings()
    assert rules(found) == ["filing-backdated"]
    assert found[0]["file"] == PLAN and found[0]["line"] == repo.line_of(PLAN, "filed:")


# ---------------------------------------------------------------- what cannot be read


def test_a_5000_digit_number_is_a_finding_not_an_internal_error(repo: Repo, capsys) -> None:
    huge = "9" * 5000
    repo.edit(KJXY, "members: 15", f"members: {huge}")
    repo.commit("超长数字")
    args = ["history", "--records", str(repo.records), "--base", "main", "--as-of", "2026-04-30"]
    assert main(args) == 1
    captured = capsys.readouterr()
    assert "程序内部错误" not in captured.err + captured.out
    found = repo.findings()
    assert rules(found) == ["filed-record-changed"]
    assert found[0]["line"] == repo.line_of(KJXY, "members:")
    assert "「15」改成了「9999" in found[0]["message"] and huge not in found[0]["message"]


def test_a_5000_digit_number_in_the_base_is_no_internal_error(repo: Repo) -> None:
    repo.git("checkout", "-q", "main")
    repo.edit(JGDW, "year_seq: 2", "year_seq: " + "9" * 5000)
    repo.commit("主分支上的超长数字")
    repo.git("checkout", "-q", "-B", "pr")
    repo.git("rm", "-q", JGDW)
    repo.commit("删掉")
    assert repo.findings() == [], "nothing was filed in it"


def test_an_unreadable_file_is_a_finding_and_not_a_deletion(repo: Repo, monkeypatch) -> None:
    repo.edit(KJXY, "members: 15", "members: 16")  # changed, then unreadable: nothing is judged
    original = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "2026-03-18.yaml":
            raise PermissionError(13, "Permission denied")
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)  # root reads any file: simulate a mode 000
    found = repo.findings()
    assert rules(found) == ["file-encoding"]
    assert found[0]["file"] == KJXY and found[0]["unit"] == "kjxy"
    assert "无法读取" in found[0]["message"] and "Permission denied" in found[0]["message"]


def test_an_unreadable_folder_is_a_finding_and_not_a_deletion(repo: Repo, monkeypatch) -> None:
    original = os.scandir

    def scandir(path):
        if str(path).endswith("kjxy"):
            raise PermissionError(13, "Permission denied")
        return original(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = repo.findings()
    assert rules(found) == ["file-encoding"]
    assert found[0]["file"] == "records/sessions/kjxy" and "文件夹" in found[0]["message"]


# ---------------------------------------------------------------- on main, after the merge


def _history_step() -> str:
    from generator.yamlio import parse

    workflow = parse((ROOT / ".github" / "workflows" / "check.yml").read_bytes()).data
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    return next(s["run"] for s in steps if "generator history" in s.get("run", ""))


def _run_step(repo: Repo, base_sha: str) -> subprocess.CompletedProcess[str]:
    import sys

    env = {
        **os.environ,
        "BASE_SHA": base_sha,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        ["bash", "-e", "-c", _history_step()],
        cwd=repo.path,
        env=env,
        capture_output=True,
        text=True,
    )


def test_a_merge_that_slipped_past_fails_on_main(repo: Repo) -> None:
    """Two pull requests, each fine against the base it was checked on: one files
    the arrangement of a planned session, the other (older) edits its location.
    Merged one after the other, main holds a filed value changed without an
    amendment; the push to main runs history against main before the push."""
    repo.git("checkout", "-q", "main")
    repo.git("checkout", "-q", "-b", "edit")
    repo.edit(JGDW, "location: 行政楼第一会议室", "location: 行政楼第二会议室")
    repo.commit("改地点（此时还没报送）")
    assert repo.findings() == [], "fine against its base"
    repo.git("checkout", "-q", "main")
    repo.git("checkout", "-q", "-b", "file")
    repo.edit(JGDW, "contact:", "filed:\n  arrangement: 2026-04-17\ncontact:")
    repo.commit("报送安排表", when="2026-04-17T18:00:00+08:00")
    assert repo.findings() == [], "fine against its base"
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "合并报送", "file")
    before = repo.git("rev-parse", "HEAD")
    repo.git("merge", "-q", "--no-ff", "-m", "合并改地点", "edit")
    done = _run_step(repo, before)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "::error file=records/sessions/jgdw/2026-04-20.yaml,line=" in done.stdout
    assert "filed-record-changed" in done.stdout
    first = _run_step(repo, "0" * 40)
    assert first.returncode == 0 and first.stdout.startswith("::notice")


def test_every_filing_kind_of_the_table_is_protected() -> None:
    from generator.filed import SESSION, filing_dates, read_version
    from generator.kinds import FILING_KINDS

    text = FILED.replace("    filed: 2026-03-20\n", "    filed: 2026-03-20\n" + RECTIFY + RECTIFIED)
    version = read_version(SESSION, text.encode())
    assert version is not None
    assert {identity[0] for identity in filing_dates(version)} == set(FILING_KINDS)


# ---------------------------------------------------------------- each step on its own (issue 10)


def _steps():
    from generator import history as steps
    from generator.filed import SESSION, read_version

    layout = steps.Layout("records/", "records", None)

    def version(text: str):
        found = read_version(SESSION, text.encode())
        assert found is not None
        return found

    return steps, layout, version


def test_collect_versions_reads_both_sides_by_path(repo: Repo) -> None:
    from generator.gitrepo import Repo as Git

    steps, layout, _ = _steps()
    repo.edit(XXGC, "members: 11", "members: 12")
    link(repo, KJXY, "../../../archive/k.yaml")
    git = Git.discover(repo.records)
    sides = steps.collect_versions(git, repo.records, repo.git("rev-parse", "main"), layout)
    assert set(sides.base) == {KJXY, XXGC, JGDW}
    assert set(sides.new) == {XXGC}, "only what differs from the base is read again"
    assert sides.current == {XXGC, JGDW} and sides.not_regular == {KJXY}
    assert [f.rule for f in sides.findings] == ["file-not-regular"]


def test_find_deletions_on_its_own() -> None:
    steps, layout, version = _steps()
    moved = "records/sessions/kjxy/2026-03-19.yaml"
    sides = steps.Sides(
        base={KJXY: version(FILED), JGDW: version(PLANNED), XXGC: version(HELD)},
        new={moved: version(FILED.replace("2026-03-18", "2026-03-19"))},
        current={moved, XXGC},
    )
    found, renamed_from = steps.find_deletions(sides, layout)
    assert [(f.rule, f.file) for f in found] == [("record-deleted", KJXY)], "JGDW had nothing filed"
    assert renamed_from == {moved: KJXY} and moved in found[0].message


def test_find_changes_on_its_own() -> None:
    steps, layout, version = _steps()
    sides = steps.Sides(
        base={KJXY: version(FILED)},
        new={KJXY: version(FILED.replace("members: 15", "members: 16"))},
        current={KJXY},
    )
    found = steps.find_changes(sides, layout)
    assert [(f.rule, f.line) for f in found] == [("filed-record-changed", 6)]  # members:


def test_find_backdating_on_its_own() -> None:
    import datetime as dt

    from generator.gitrepo import Commit

    steps, layout, version = _steps()
    filed = HELD.replace(
        "  arrangement: 2026-03-23\n", "  arrangement: 2026-03-23\n  post_copy: 2026-03-26\n"
    )
    sides = steps.Sides(base={XXGC: version(HELD)}, new={XXGC: version(filed)}, current={XXGC})
    committed = int(dt.datetime(2026, 3, 30, 12, tzinfo=dt.UTC).timestamp())

    class UnderReview:  # the commits under review, as UnderReview reads them from Git
        def __init__(self) -> None:
            self.layout = layout

        def first_seen(self, path: str) -> dict:
            return {(("post_copy",), "2026-03-26"): Commit("a" * 40, committed)}

    found = steps.find_backdating(sides, {}, UnderReview(), dt.date(2026, 4, 30))
    line = filed.splitlines().index("  post_copy: 2026-03-26") + 1
    assert [(f.rule, f.line) for f in found] == [("filing-backdated", line)]
    assert "aaaaaaa" in found[0].message and "4 天" in found[0].message
