#!/usr/bin/env python3
"""A whole class at once (issue 13): 30 laptops, 15 Nanos, one DL server whose sshd keeps
Debian's default MaxStartups 10:30:100 / MaxSessions 10. Needs root (it starts sshd and
uses the suite's test user), like the suite's system tests.

    python3 bench/bench_class.py [--laptops 30] [--nanos 15] [--inference-s 10]

Prints the baseline (one laptop alone, same flow, same run) then the class: wall time,
failures, start spread, longest queue wait, connection retries, each phase's median and
longest time, and every check that did not hold (exit 1 when one did not).
"""
from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.class_load import check_class, run_class  # noqa: E402
from tests.sshd import SshdFactory, ensure_test_user  # noqa: E402

log = logging.getLogger(__name__)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--laptops", type=int, default=30)
    parser.add_argument("--nanos", type=int, default=15)
    parser.add_argument("--inference-s", type=float, default=10.0)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    user = ensure_test_user()
    base = Path(tempfile.mkdtemp(prefix="ai_nano_class_"))
    base.chmod(0o755)
    factory = SshdFactory(base / "sshd", user)
    wrong: list[str] = []
    try:
        runs = ([("baseline", 1, 1)] if not args.no_baseline else []) + [
            ("class", args.laptops, args.nanos)]
        for label, laptops, nanos in runs:
            run = run_class(factory, user, base / label, laptops, nanos, args.inference_s)
            problems = check_class(run)
            print(f"{label}: {run.summary()}")
            print(f"{label}: {run.phase_text()}")
            for problem in problems:
                print(f"{label}: FAILED: {problem}")
            wrong += problems
    finally:
        factory.stop_all()
        shutil.rmtree(base, ignore_errors=True)
    print("class holds" if not wrong else f"{len(wrong)} check(s) did not hold")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
