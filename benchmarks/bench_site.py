"""Site build time on a college-shaped history, against a floor: `make bench-site`.

For each size it writes realistic records (benchmarks/realistic.py: 30 units,
departures at about 1.6 warnings a session, plans and rectifications), then
times, as whole processes in the same run:

- `python -m generator build` into a fresh site and build folder (a cold build:
  check, pages, exports, mkdocs build --strict);
- the floor: a bare mkdocs-material build of as many short Chinese pages as our
  build wrote (a title, two paragraphs, a five-row table; Chinese search; a
  bounded navigation).

Absolute times drift from day to day on shared machines; judge by the ratios.

    .venv/bin/python benchmarks/bench_site.py [--repeat N] [SESSIONS ...]
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from realistic import write_college  # noqa: E402

FLOOR_CONFIG = """\
site_name: 基准
docs_dir: docs
site_dir: site
use_directory_urls: false
theme:
  name: material
  language: zh
  font: false
plugins:
  - search:
      lang: zh
markdown_extensions:
  - tables
nav:
{nav}
"""

FLOOR_PAGE = """\
# 第{n}次中心组学习

会计学院党委于二〇二六年三月十日在学院三〇一会议室开展理论学习中心组第{n}次集体学习，
党委书记主持，班子成员围绕学习习近平新时代中国特色社会主义思想开展交流研讨。

列席旁听组认为本次学习准备充分、内容专题化，研讨发言紧扣主题、联系实际，
建议进一步加强调研成果转化，推动学习成效转化为推动学院高质量发展的具体措施。

| 项目 | 情况 | 报送日期 | 状态 | 备注 |
|---|---|---|---|---|
| 学习安排报送表 | 已报送 | 2026年3月8日 | 按时 | 无 |
| 会后报宣传部 | 已报送 | 2026年3月11日 | 按时 | 无 |
| 列席旁听记录表 | 已报送 | 2026年3月12日 | 按时 | 第{n}组 |
| 列席情况书面报告 | 已报送 | 2026年3月12日 | 按时 | 无 |
| 整改情况 | 未到期 | — | 未到期 | 无 |
"""


def write_floor(folder: Path, pages: int) -> None:
    docs = folder / "docs"
    docs.mkdir(parents=True)
    for n in range(pages):
        (docs / f"p{n:05d}.md").write_text(FLOOR_PAGE.format(n=n), encoding="utf-8")
    nav = "\n".join(f"  - 第{n}页: p{n:05d}.md" for n in range(min(pages, 40)))
    (folder / "mkdocs.yml").write_text(FLOOR_CONFIG.format(nav=nav), encoding="utf-8")


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        command,
        cwd=cwd,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(),
    )
    return time.perf_counter() - started


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    return env


def bench(sessions: int, repeat: int = 1) -> tuple[int, float, float]:
    """Pages, seconds of our cold build, seconds of the floor with as many pages: the
    best of `repeat` runs each, ours and the floor's taking turns, so that both meet
    the machine in the same moods (timeit's rule: the fastest run is the one least
    disturbed by anything else)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        as_of = write_college(folder / "records", sessions)
        os.sync()  # the records' writeback not inside the first timing
        ours, floor, pages = [], [], 0
        for run in range(repeat):
            site = folder / f"site-{run}"
            command = [sys.executable, "-m", "generator", "build", "--records",
                       str(folder / "records"), "--site-dir", str(site),
                       "--as-of", as_of.isoformat()]  # fmt: skip
            ours.append(timed(command, ROOT))
            if run == 0:
                pages = sum(1 for _ in site.rglob("*.html"))
                write_floor(folder / "floor", pages)
                os.sync()
            floor.append(timed([sys.executable, "-m", "mkdocs", "build", "-q"], folder / "floor"))
            shutil.rmtree(site)
        return pages, min(ours), min(floor)


def main(sizes: list[int], repeat: int) -> None:
    print(f"{'sessions':>8} {'pages':>6} {'build':>8} {'floor':>8} {'ratio':>6}"
          f"  (best of {repeat})")  # fmt: skip
    totals = {}
    for size in sizes:
        pages, ours, floor = bench(size, repeat)
        totals[size] = ours
        print(
            f"{size:>8} {pages:>6} {ours:>7.1f}s {floor:>7.1f}s {ours / floor:>5.2f}×"
            + ("  (goal ≤ 1.5×)" if size == 1500 else ""),
            flush=True,
        )
    for small, large in itertools.pairwise(sizes):
        print(
            f"{small} → {large} sessions ({large / small:.0f}×):"
            f" {totals[large] / totals[small]:.2f}× as long"
            + (" (goal ≤ 4.6×)" if (small, large) == (375, 1500) else "")
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[375, 1500, 6000])
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs of each side")
    arguments = parser.parse_args()
    main(arguments.sizes, max(1, arguments.repeat))
