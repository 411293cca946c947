"""The docs against the code: the module map, the rule ids, the deadlines 规则说明 shows."""

from __future__ import annotations

import re
from pathlib import Path

from generator.findings import RULE_TITLES, RULES
from generator.model import DEFAULT_DEADLINES, DEFAULT_PLAN_DUE
from generator.site.build import DEVELOPER_DOCS

ROOT = Path(__file__).resolve().parent.parent
DEV = (ROOT / "docs" / "dev.md").read_text(encoding="utf-8")
RULES_PAGE = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


def _section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def test_every_module_is_in_the_module_map() -> None:
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "generator").rglob("*.py")}
    mapped = set(re.findall(r"`(generator/[\w/]+\.py)`", _section(DEV, "Module map")))
    assert modules - mapped == set(), "add these to the module map in docs/dev.md"
    assert mapped - modules == set(), "these modules no longer exist: take them off the map"


def test_the_rule_table_is_the_code() -> None:
    rows = re.findall(r"^\| `([a-z-]+)` \| (\w+) \| (.+?) \|$", _section(DEV, "Rule ids"), re.M)
    assert [(r, s, t) for r, s, t in rows] == [
        (rule, severity.label, RULE_TITLES[rule]) for rule, severity in RULES.items()
    ]


def test_the_rules_page_explains_every_rule() -> None:
    unexplained = [
        (rule, RULE_TITLES[rule]) for rule in RULES if RULE_TITLES[rule] not in RULES_PAGE
    ]
    assert unexplained == [], "docs/rules.md should name each of these"


def test_the_deadlines_on_the_rules_page_are_the_defaults_in_code() -> None:
    said = {
        "arrangement": r"提前 (\d+) 天报联系校领导",
        "post_copy": r"会后 (\d+) 天内报党委宣传部",
        "audit_record": r"结束后 (\d+) 天内送交党委宣传部",
        "visit_report": r"学习后 (\d+) 天内，将列席情况书面报党委宣传部",
    }
    for key, pattern in said.items():
        match = re.search(pattern, RULES_PAGE)
        assert match, pattern
        assert int(match.group(1)) == DEFAULT_DEADLINES[key].days, key
        assert DEFAULT_DEADLINES[key].count == "calendar"  # the page says 自然日
    month, day = (int(part) for part in DEFAULT_PLAN_DUE.split("-"))
    assert f"{month} 月 {day} 日" in RULES_PAGE


def test_developer_docs_are_the_ones_kept_off_the_site() -> None:
    """test_site.py checks a real build leaves them out."""
    assert DEVELOPER_DOCS == ("dev.md",)
    assert "not published on the site" in DEV
