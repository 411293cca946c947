"""`make bench`: time `check` over N synthetic sessions against a bare libyaml parse.

The goal (issue 2): check takes at most 2x a bare `yaml.load(..., CSafeLoader)`
of the same files, read from disk, in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import write_sessions

from generator.pipeline import check


def bare_parse(records: Path) -> int:
    count = 0
    for path in sorted((records / "sessions").rglob("*.yaml")):
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        count += 1
    yaml.load((records / "org.yaml").read_bytes(), Loader=yaml.CSafeLoader)
    return count


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        records = Path(tmp) / "records"
        written = write_sessions(records, args.sessions)
        result = check(records, dt.date(2012, 1, 1))
        errors = [f for f in result.findings if f.severity.label == "error"]
        if errors:
            print(f"synthetic records have errors: {errors[:3]}")
            return 1
        parse_time = best_of(args.runs, lambda: bare_parse(records))
        check_time = best_of(args.runs, lambda: check(records, dt.date(2012, 1, 1)))
    ratio = check_time / parse_time
    print(f"sessions:               {written}")
    print(
        f"bare libyaml parse:     {parse_time:.2f} s (yaml.load with CSafeLoader, best of {args.runs})"
    )
    print(f"check (all rules):      {check_time:.2f} s (best of {args.runs})")
    print(f"ratio check/parse:      {ratio:.2f}x (goal: at most 2x)")
    return 0 if ratio <= 2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
