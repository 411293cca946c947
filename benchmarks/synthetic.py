"""Synthetic records for benchmarks: a valid org and N valid sessions, written to a folder."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

UNIT_KINDS = ("党委", "党委", "党总支", "直属党支部")


def write_org(records: Path, units: int) -> list[str]:
    ids = [f"u{n:03d}" for n in range(units)]
    lines = ["institution: 兰州工商学院", "timezone: Asia/Shanghai", "units:"]
    for n, unit_id in enumerate(ids):
        lines += [
            f"  - id: {unit_id}",
            f"    name: 第{n + 1}学院党委",
            f"    kind: {UNIT_KINDS[n % len(UNIT_KINDS)]}",
            f"    secretary: 书记{n}",
            f"    deputy_secretaries: [副书记{n}]",
        ]
    lines.append("groups:")
    for g in range(3):
        members = ", ".join(ids[g::3])
        lines += [
            f"  - id: g{g + 1}",
            f"    leader: {{name: 校领导{g}, title: 党委副书记}}",
            f"    liaison: {{name: 联络员{g}, title: 党政秘书}}",
            f"    units: [{members}]",
        ]
    lines += ["semesters:"]
    for year in range(2000, 2012):
        lines += [
            f"  - {{id: s{year}a, name: {year}春, start: {year}-03-01, end: {year}-07-10}}",
            f"  - {{id: s{year}b, name: {year}秋, start: {year}-09-01, end: {year + 1}-01-15}}",
        ]
    (records / "sessions").mkdir(parents=True, exist_ok=True)
    (records / "org.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ids


SESSION = """\
unit: {unit}
date: {date}
time: "14:30"
location: 第{n}会议室
year_seq: {seq}
kind: 中心组学习
members: 15
present: {present}
host: {{name: {secretary}, title: 党委书记}}
topics:
  - title: 学习习近平总书记关于教育的重要论述（第{n}次）
    first_topic: true
  - title: 学习党的二十届四中全会精神
speakers:
  - {{name: {deputy}, title: 副书记, outline: 结合学院实际谈体会, written: true}}
  - {{name: 成员{n}, title: 院长, outline: 推动学科建设, written: false}}
contact: {{name: 联络员, phone: "0931-8561234"}}
filed:
  arrangement: {arrangement}
  post_copy: {post_copy}
audits:
  - group: {group}
    findings:
      organization: 有学习方案，参加率93%，资料齐全
      content: 落实第一议题，内容专题化
      method: 研讨发言紧扣主题，有书面发言材料
      effect: 理论联系实际
    problems: 建议加强调研成果转化
    filed: {audit_filed}
visitors:
  - unit: {visitor}
    name: 书记{visitor_n}
    role: 书记
    report_filed: {audit_filed}
amendments:
  - date: {audit_filed}
    reason: 更正实到人数
"""


def write_sessions(records: Path, count: int, units: int = 30, seed: int = 7) -> int:
    """N sessions spread over units and months; returns the number written."""
    rng = random.Random(seed)
    ids = write_org(records, units)
    per_unit = -(-count // len(ids))
    written = 0
    for index, unit in enumerate(ids):
        folder = records / "sessions" / unit
        folder.mkdir(parents=True, exist_ok=True)
        start = dt.date(2001, 3, 10)
        for k in range(per_unit):
            if written == count:
                return written
            date = start + dt.timedelta(days=30 * k)
            other = (index + 1) % len(ids)
            text = SESSION.format(
                unit=unit,
                date=date,
                n=k,
                seq=k + 1,  # unique per unit and year since seq grows forever
                present=rng.randint(14, 15),
                secretary=f"书记{index}",
                deputy=f"副书记{index}",
                arrangement=date - dt.timedelta(days=3),
                post_copy=date + dt.timedelta(days=1),
                group=f"g{index % 3 + 1}",
                audit_filed=date + dt.timedelta(days=2),
                visitor=ids[other],
                visitor_n=other,
            )
            (folder / f"{date}.yaml").write_text(text, encoding="utf-8")
            written += 1
    return written
