"""`make bench`: the whole `check` command against a bare libyaml parse, as processes.

Both are timed as a user waits for them: a fresh interpreter, its imports, and
(for check) the JSON of every finding on stdout. The records are
college-shaped (benchmarks/realistic.py), with the departures real records
have. The goal (issue 13): check takes at most 2× a bare
`yaml.load(..., CSafeLoader)` of the same files in a fresh process.

    .venv/bin/python benchmarks/bench_check.py [--sessions 3000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from realistic import write_college  # noqa: E402

BARE_PARSE = """\
import sys, pathlib, yaml
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.yaml")):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
"""


def best_of(runs: int, command: list[str]) -> tuple[float, bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    times, output = [], b""
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, env=env, cwd=ROOT)
        times.append(time.perf_counter() - started)
        output = done.stdout
    return min(times), output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        records = Path(tmp) / "records"
        as_of = write_college(records, args.sessions)
        parse_time, _ = best_of(args.runs, [sys.executable, "-c", BARE_PARSE, str(records)])
        check_time, output = best_of(
            args.runs,
            [
                sys.executable,
                "-m",
                "generator",
                "check",
                "--records",
                str(records),
                "--as-of",
                as_of.isoformat(),
                "--format",
                "json",
            ],
        )
    result = json.loads(output)
    errors = [f for f in result["findings"] if f["severity"] == "error"]
    if errors:
        print(f"the synthetic records have errors: {errors[:3]}")
        return 1
    warnings = len(result["findings"])
    ratio = check_time / parse_time
    print(f"sessions:             {result['sessions']} ({warnings} warnings)")
    print(f"bare libyaml parse:   {parse_time:.2f} s (fresh process, best of {args.runs})")
    print(f"check --format json:  {check_time:.2f} s (fresh process, best of {args.runs})")
    print(f"ratio check/parse:    {ratio:.2f}× (goal: at most 2×)")
    return 0 if ratio <= 2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
