#!/usr/bin/env python3
"""What showing the wrong test pictures costs (issue 17), against bare decoding, one run.

    python3 bench/bench_wrong_pictures.py [--wrong 200] [--size 640x480] [--repeats 5]

"Decode" reads every wrong picture into a QImage whole: the plain way of showing them.
"List" is window_results.analyse_task (evaluate.py's per-picture results mapped to
images/, the diagnosis): then the list shows. "First" adds the first thumbnail chunk
(the first pictures appear); "all" is every chunk of thumbnails_task (scaled decoding to
256 px), as the window loads them one task after the other.
Also printed: the size of the `pictures` field that travels from the DL server (per
picture and for the whole test set). Figures: median and min–max over the repeats, in ms.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from PyQt5.QtGui import QGuiApplication, QImage  # noqa: E402

from core.pipeline import Report  # noqa: E402
from core.workspace import Workspace  # noqa: E402
from tests.media import CLASS_COLOURS, make_frame  # noqa: E402
from window_results import THUMBNAIL_CHUNK, analyse_task, thumbnails_task  # noqa: E402


def make_project(root: Path, wrong: int, size: tuple[int, int]) -> tuple[Workspace, dict]:
    """Two classes, `wrong` test pictures all answered wrong (the worst case shown)."""
    rng = np.random.default_rng(0)
    pictures = []
    for truth, name in enumerate(("blue", "red")):
        folder = root / "images" / name
        folder.mkdir(parents=True)
        for number in range(1, wrong // 2 + 1):
            frame = make_frame(CLASS_COLOURS[name], number, size, rng)   # webcam-like, noisy
            cv2.imwrite(str(folder / f"{number:05d}.jpg"), frame)
            pictures.append([f"{name}/{number:05d}.jpg", truth, 1 - truth, round(float(rng.random()), 4)])
    evaluation = {"classes": ["blue", "red"], "confusion": [[0, wrong // 2], [wrong // 2, 0]],
                  "accuracy": 0.0, "pictures": pictures, "mistakes": []}
    return Workspace(root), evaluation


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def show(label: str, values: list[float]) -> None:
    print(f"{label:<10} {statistics.median(values):8.1f} ms  ({min(values):.1f}–{max(values):.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wrong", type=int, default=200)
    parser.add_argument("--size", default="640x480")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 (image plugins need an application)
    with tempfile.TemporaryDirectory() as folder:
        workspace, evaluation = make_project(Path(folder), args.wrong, size)
        paths = [workspace.images_dir / p[0] for p in evaluation["pictures"]]
        decode, listed, first, every = [], [], [], []
        strings = [str(path) for path in paths]
        for _ in range(args.repeats):
            decode.append(timed(lambda: [QImage(path) for path in strings]))
            listed.append(timed(lambda: analyse_task(evaluation, workspace, [], Report())))
            first.append(listed[-1] + timed(lambda: thumbnails_task(strings[:THUMBNAIL_CHUNK], Report())))
            every.append(listed[-1] + timed(lambda: [thumbnails_task(strings[i:i + THUMBNAIL_CHUNK], Report())
                                                     for i in range(0, len(strings), THUMBNAIL_CHUNK)]))
        field = len(json.dumps(evaluation["pictures"]))
        print(f"{args.wrong} wrong pictures of {args.size}, {args.repeats} repeats")
        show("decode", decode)
        show("list", listed)
        show("first", first)
        show("all", every)
        print(f"pictures field: {field} bytes ({field / args.wrong:.0f} bytes a picture)")


if __name__ == "__main__":
    main()
