"""A college-shaped history for the benchmarks (issue 13): 30 units in 6 groups, one
中心组学习 a month per unit over the years the size asks for, with the departures
real records have (about 1.6 warnings per session: late copies, low attendance,
missing months, missing visits, late audit records), annual plans and
rectifications. Deterministic for a seed, and free of errors.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

UNITS = 30
GROUPS = 6
KINDS = ["党委"] * 18 + ["党总支"] * 8 + ["直属党支部"] * 4
# Study months of a school year: the autumn semester (Sep–Jan) and the spring one (Mar–Jul).
MONTHS = (9, 10, 11, 12, 1, 3, 4, 5, 6, 7)
LAST_YEAR = 2026  # the history ends in the autumn of this year


def _org(first_year: int) -> str:
    lines = [
        "institution: 兰州工商学院",
        "timezone: Asia/Shanghai",
        f"plans_from: {first_year + 1}",
        "units:",
    ]
    for n in range(UNITS):
        kind = KINDS[n]
        lines += [
            f"  - id: u{n:02d}",
            f"    name: 第{n + 1}学院{kind}",
            f"    kind: {kind}",
            f"    secretary: 书记{n}",
            f"    deputy_secretaries: [副书记{n}]",
        ]
    lines.append("groups:")
    per_group = UNITS // GROUPS
    for g in range(GROUPS):
        members = ", ".join(f"u{n:02d}" for n in range(g * per_group, (g + 1) * per_group))
        lines += [
            f"  - id: g{g + 1}",
            f"    leader: {{name: 校领导{g + 1}, title: 党委副书记}}",
            f"    liaison: {{name: 联络员{g + 1}, title: 党政秘书}}",
            f"    units: [{members}]",
        ]
    lines.append("semesters:")
    for year in range(first_year, LAST_YEAR + 1):
        lines += [
            f"  - {{id: {year}-{year + 1}-1, name: {year}—{year + 1}学年第一学期,"
            f" start: {year}-09-01, end: {year + 1}-01-20}}",
            f"  - {{id: {year}-{year + 1}-2, name: {year}—{year + 1}学年第二学期,"
            f" start: {year + 1}-03-01, end: {year + 1}-07-10}}",
        ]
    return "\n".join(lines) + "\n"


def _months(first_year: int) -> list[tuple[int, int, int]]:
    """(year, month, semester half) in date order, from first_year's autumn on."""
    months = []
    for school_year in range(first_year, LAST_YEAR + 1):
        for month in MONTHS:
            year = school_year if month >= 9 else school_year + 1
            months.append((year, month, 1 if month >= 9 or month == 1 else 2))
    return months


def write_college(folder: Path, sessions: int, seed: int = 13) -> dt.date:
    """Write org.yaml, `sessions` session files and the plans; return the as-of day."""
    rng = random.Random(seed)
    # 7% of unit-months go without study, so a little more than sessions/UNITS months
    needed = -(-sessions // int(UNITS * 0.94)) + 1
    school_years = -(-needed // len(MONTHS))
    first_year = LAST_YEAR - school_years + 1
    months = _months(first_year)[:needed]
    last_year, last_month, _ = months[-1]
    as_of = dt.date(last_year, last_month, 25) + dt.timedelta(days=10)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "org.yaml").write_text(_org(first_year), encoding="utf-8")
    leaders = [n for n in range(UNITS) if KINDS[n] != "直属党支部"]
    seq: dict[tuple[int, int], int] = {}
    topics: dict[tuple[int, int], list[tuple[int, str]]] = {}
    written = 0
    for index, (year, month, half) in enumerate(months):
        for n in range(UNITS):
            if written == sessions or rng.random() < 0.07:  # 7%: monthly-study-missing
                continue
            day = dt.date(year, month, 3 + (n * 7 + index) % 22)
            seq[(n, year)] = seq.get((n, year), 0) + 1
            title = f"学习习近平新时代中国特色社会主义思想专题{month}月"
            topics.setdefault((n, year), []).append((month, title))
            text = _session(rng, n, day, seq[(n, year)], title, index, half, leaders, as_of)
            unit_folder = folder / "sessions" / f"u{n:02d}"
            unit_folder.mkdir(parents=True, exist_ok=True)
            (unit_folder / f"{day}.yaml").write_text(text, encoding="utf-8")
            written += 1
    _write_plans(folder, rng, first_year + 1, as_of, topics)
    return as_of


def _session(
    rng: random.Random,
    n: int,
    day: dt.date,
    seq: int,
    title: str,
    index: int,
    half: int,
    leaders: list[int],
    as_of: dt.date,
) -> str:
    members = 15
    present = members if rng.random() > 0.3 else 12  # attendance-low about 30%
    arrangement = day - dt.timedelta(days=1 if rng.random() < 0.22 else 3)
    copy_days = 4 if rng.random() < 0.35 else 1  # post-copy-late about 35%
    first = "first_topic: true" if rng.random() > 0.08 else "first_topic: false"
    lines = [
        "# yaml-language-server: $schema=../../../schemas/session.schema.json",
        f"unit: u{n:02d}",
        f"date: {day}",
        'time: "14:30"',
        f"location: 第{n + 1}学院党员活动室",
        f"year_seq: {seq}",
        "kind: 中心组学习",
        f"members: {members}",
        f"present: {present}",
        f"host: {{name: 书记{n}, title: 党委书记}}",
        "topics:",
        f"  - title: {title}",
        f"    {first}",
        f"  - title: 第{n + 1}学院{day.year}年第{seq}次专题研讨：推动学科建设与人才培养",
        "speakers:",
        f"  - {{name: 副书记{n}, title: 副书记, outline: 结合学院实际谈学习体会, written: true}}",
        f"  - {{name: 院长{n}, title: 院长, outline: 以学促干推动高质量发展, written: {str(rng.random() > 0.5).lower()}}}",
        f'contact: {{name: 秘书{n}, phone: "0931-85{n:02d}{seq:03d}"}}',
        "filed:",
        f"  arrangement: {arrangement}",
        f"  post_copy: {day + dt.timedelta(days=copy_days)}",
    ]
    if (index + n) % 5 == 0:  # about two audits a semester per unit's group
        late = rng.random() < 0.3
        filed = day + dt.timedelta(days=5 if late else 2)
        lines += [
            "audits:",
            f"  - group: g{n // (UNITS // GROUPS) + 1}",
            "    findings:",
            "      organization: 有学习方案，参加率达到要求，资料齐全",
            "      content: 落实第一议题，内容专题化",
            "      method: 研讨发言紧扣主题，有书面发言材料",
            "      effect: 理论联系实际，转化为推动工作的具体措施",
            "    problems: 建议进一步加强调研成果转化，研讨发言可更加聚焦问题",
            f"    filed: {filed}",
        ]
        if rng.random() < 0.4:
            rectify_by = day + dt.timedelta(days=30)
            lines.append(f"    rectify_by: {rectify_by}")
            rectified = rectify_by - dt.timedelta(days=rng.choice((-3, 2)))
            if rng.random() < 0.8 and rectified <= as_of:
                lines += [
                    "    rectification:",
                    "      measures: 制定调研成果转化清单，已落实3项",
                    f"      filed: {rectified}",
                ]
    # a visit a semester from most 党委/党总支; visit-missing for the rest
    if n in leaders and (index + n) % 5 == 2 and rng.random() > 0.3:
        guest = leaders[(leaders.index(n) + 1 + half) % len(leaders)]
        lines += [
            "visitors:",
            f"  - {{unit: u{guest:02d}, name: 书记{guest}, role: 书记,"
            f" report_filed: {day + dt.timedelta(days=2)}}}",
        ]
    return "\n".join(lines) + "\n"


def _write_plans(
    folder: Path,
    rng: random.Random,
    plans_from: int,
    as_of: dt.date,
    topics: dict[tuple[int, int], list[tuple[int, str]]],
) -> None:
    """Plans from plans_from on: most filed on time, a few late; the planned topics
    are those studied, with one the unit never got to now and then."""
    for (n, year), studied in sorted(topics.items()):
        if year < plans_from or year > as_of.year:
            continue
        filed = dt.date(year, 4, 2) if rng.random() < 0.1 else dt.date(year, 3, 20)
        if filed > as_of:
            continue
        items = []
        for month, title in studied:
            planned = [title] + (["学习《习近平谈治国理政》第五卷"] if rng.random() < 0.05 else [])
            items.append(f"  - month: {year}-{month:02d}")
            items.append("    topics:")
            items += [f"      - {t}" for t in planned]
        if not items:
            continue
        text = [f"unit: u{n:02d}", f"year: {year}", f"filed: {filed}", "items:", *items]
        plan_folder = folder / "plans" / f"u{n:02d}"
        plan_folder.mkdir(parents=True, exist_ok=True)
        (plan_folder / f"{year}.yaml").write_text("\n".join(text) + "\n", encoding="utf-8")
