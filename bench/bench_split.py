#!/usr/bin/env python3
"""What the pictures' safety costs the split (issue 11), against bare hard-linking, one run.

    python3 bench/bench_split.py [--classes 3] [--per-class 1000] [--repeats 5] [--resplits 5]

"Bare" hard-links every picture of images/ into a fresh folder: the irreducible work of
any split. "Split" is Workspace.split() as the app runs it: lock, look for pictures only
in train/val/test (every old link stat'ed, images/ and the trash indexed by inode), build,
move the old parts to the trash, write labels.txt and split.json. "Split (again)" re-splits once
(the old train/val/test are scanned, then moved to the trash); "split (trash grown)" is the
same after --resplits earlier splits left their links in the trash.
Figures: median and min–max over the repeats, in milliseconds.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workspace import Workspace  # noqa: E402


def make_workspace(root: Path, classes: int, per_class: int) -> Workspace:
    for index in range(classes):
        folder = root / "images" / f"class{index}"
        folder.mkdir(parents=True)
        for number in range(1, per_class + 1):   # small distinct files: the cost is per file
            (folder / f"{number:05d}.jpg").write_bytes(b"\xff\xd8" + os.urandom(64) + b"\xff\xd9")
    return Workspace(root)


def bare(ws: Workspace, target: Path) -> None:
    for name in ws.classes():
        folder = target / name
        folder.mkdir(parents=True)
        for path in ws.images(name):
            os.link(path, folder / path.name)


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def show(label: str, values: list[float]) -> None:
    print(f"{label:<22} {statistics.median(values):8.1f} ms  ({min(values):.1f}–{max(values):.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classes", type=int, default=3)
    parser.add_argument("--per-class", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--resplits", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_split-") as tmp:
        ws = make_workspace(Path(tmp) / "ws", args.classes, args.per_class)
        results: dict[str, list[float]] = {"bare links": [], "split (first)": [],
                                           "split (again)": [], "split (trash grown)": []}
        for repeat in range(args.repeats):
            target = Path(tmp) / f"bare{repeat}"
            results["bare links"].append(timed(lambda: bare(ws, target)))
            shutil.rmtree(target)
            shutil.rmtree(ws.state_dir, ignore_errors=True)     # a fresh project each time
            for part in ("train", "val", "test"):
                shutil.rmtree(ws.root / part, ignore_errors=True)
            results["split (first)"].append(timed(ws.split))
            results["split (again)"].append(timed(ws.split))
            for _ in range(args.resplits - 1):
                ws.split()
            results["split (trash grown)"].append(timed(ws.split))
        print(f"{args.classes} classes x {args.per_class} pictures, {args.repeats} repeats, "
              f"trash grown by {args.resplits} re-splits")
        for label, values in results.items():
            show(label, values)


if __name__ == "__main__":
    main()
