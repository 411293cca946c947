"""Site build time on synthetic histories: `make bench-site`.

Writes valid records of several sizes (units × monthly sessions over years,
with audits, visitors and filings), runs the check and the whole site build
(page generation, the exports the pages link — a Word file per session, a
台账 per semester, the calendars — and mkdocs build --strict) for each, in a
fresh build folder (a cold build), and prints the times.

    .venv/bin/python benchmarks/bench_site.py [SESSIONS ...]
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.pipeline import check  # noqa: E402
from generator.site import build_site  # noqa: E402

UNITS = 25
MONTHS = (3, 4, 5, 6, 9, 10, 11, 12)  # study months of a school year, per unit
KINDS = ["党委"] * 12 + ["党总支"] * 9 + ["直属党支部"] * 4


def write_records(folder: Path, sessions: int) -> dt.date:
    """`sessions` study sessions of UNITS units, one a month; returns the as-of day."""
    years = -(-sessions // (UNITS * len(MONTHS)))
    first_year = 2026 - years + 1
    lines = ["institution: 示例大学", "timezone: Asia/Shanghai", "units:"]
    for n in range(UNITS):
        lines += [
            f"  - id: u{n:02d}",
            f"    name: 第{n + 1}学院{'直属党支部' if KINDS[n] == '直属党支部' else KINDS[n]}",
            f"    kind: {KINDS[n]}",
            f"    secretary: 书记{n}",
            f"    deputy_secretaries: [副书记{n}]",
        ]
    lines.append("groups:")
    for g in range(0, UNITS, 5):
        members = ", ".join(f"u{n:02d}" for n in range(g, min(g + 5, UNITS)))
        lines += [
            f"  - id: g{g // 5 + 1}",
            f"    leader: {{name: 组长{g // 5 + 1}, title: 校领导}}",
            f"    liaison: {{name: 联络员{g // 5 + 1}, title: 党政秘书}}",
            f"    units: [{members}]",
        ]
    lines.append("semesters:")
    for year in range(first_year, 2027):
        lines += [
            f"  - {{id: {year - 1}-{year}-2, name: {year - 1}—{year}学年第二学期, start: {year}-03-01, end: {year}-07-10, exempt_months: [{year}-07]}}",
            f"  - {{id: {year}-{year + 1}-1, name: {year}—{year + 1}学年第一学期, start: {year}-09-01, end: {year + 1}-01-15, exempt_months: [{year + 1}-01]}}",
        ]
    (folder / "sessions").mkdir(parents=True)
    (folder / "org.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    leaders = [n for n in range(UNITS) if KINDS[n] != "直属党支部"]
    written = 0
    last = dt.date(first_year, 1, 1)
    for year in range(first_year, 2027):
        for seq, month in enumerate(MONTHS, 1):
            for n in range(UNITS):
                if written == sessions:
                    return last + dt.timedelta(days=20)
                day = dt.date(year, month, 3 + (n % 20))
                last = max(last, day)
                folder_unit = folder / "sessions" / f"u{n:02d}"
                folder_unit.mkdir(exist_ok=True)
                text = [
                    f"unit: u{n:02d}",
                    f"date: {day}",
                    'time: "14:30"',
                    f"location: 第{n + 1}学院会议室{seq}",
                    f"year_seq: {seq}",
                    "members: 12",
                    f"present: {11 + (seq + n) % 2}",
                    f"host: {{name: 书记{n}, title: 书记}}",
                    "topics:",
                    f"  - {{title: 学习习近平新时代中国特色社会主义思想专题{seq}, first_topic: true}}",
                    f"  - title: 第{n + 1}学院{year}年第{seq}次专题研讨",
                    "speakers:",
                    f"  - {{name: 院长{n}, title: 院长, outline: 结合学院实际谈学习体会{seq}, written: true}}",
                    f'contact: {{name: 秘书{n}, phone: "1391234{n:04d}"}}',
                    "filed:",
                    f"  arrangement: {day - dt.timedelta(days=2 + seq % 2)}",
                    f"  post_copy: {day + dt.timedelta(days=1 + seq % 3)}",
                ]
                if seq in (2, 6):  # one audit a semester per unit
                    text += [
                        "audits:",
                        f"  - group: g{n // 5 + 1}",
                        "    findings: {organization: 有方案, content: 落实第一议题, method: 有书面材料, effect: 较好}",
                        "    problems: 建议加强调研",
                        f"    filed: {day + dt.timedelta(days=2 + n % 3)}",
                    ]
                if seq in (3, 7) and n in leaders:  # one visit a semester
                    guest = leaders[(leaders.index(n) + 1) % len(leaders)]
                    text += [
                        "visitors:",
                        f"  - {{unit: u{guest:02d}, name: 书记{guest}, role: 书记, report_filed: {day + dt.timedelta(days=2)}}}",
                    ]
                (folder_unit / f"{day}.yaml").write_text("\n".join(text) + "\n", encoding="utf-8")
                written += 1
    return last + dt.timedelta(days=20)


def bench(sessions: int) -> tuple[int, int, float, float, float, float]:
    """pages, export files, and the seconds of check, generate, exports, mkdocs."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        as_of = write_records(folder / "records", sessions)
        start = time.perf_counter()
        result = check(folder / "records", as_of)
        checked = time.perf_counter() - start
        errors = [f for f in result.findings if f.severity.label == "error"]
        if errors:
            raise SystemExit(f"synthetic records have errors: {errors[:3]}")
        report = build_site(result, folder / "site", folder / "build")
        files = sum(1 for p in (folder / "site" / "exports").rglob("*") if p.is_file())
        timings = report.timings
        return (
            report.pages,
            files,
            checked,
            timings["generate"],
            timings["exports"],
            timings["mkdocs"],
        )


def main(sizes: list[int]) -> None:
    print(
        f"{'sessions':>8} {'pages':>6} {'files':>6} {'check':>7} {'generate':>9}"
        f" {'exports':>8} {'mkdocs':>8} {'total':>8}"
    )
    totals = {}
    for size in sizes:
        pages, files, checked, generated, exported, built = bench(size)
        total = checked + generated + exported + built
        totals[size] = total
        print(
            f"{size:>8} {pages:>6} {files:>6} {checked:>6.1f}s {generated:>8.1f}s"
            f" {exported:>7.1f}s {built:>7.1f}s {total:>7.1f}s",
            flush=True,
        )
    for small, large in itertools.pairwise(sizes):
        print(
            f"{small} → {large} sessions ({large / small:.0f}×):"
            f" {totals[large] / totals[small]:.2f}× as long"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [375, 1500, 6000])
