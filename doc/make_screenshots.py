"""Regenerate the panel screenshots used by the README: doc/panel_*.png.

Each panel is built offscreen and fed the recorded script output of tests/data/ (the
same lines the widget tests use), then grabbed with QWidget.grab(). Run from anywhere:

    python3 doc/make_screenshots.py [--out DIR]
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PyQt5.QtWidgets import QApplication, QWidget  # noqa: E402 (after the platform is set)

from machine_check import FAIL, OK, SKIP, WARN, CheckResult, CheckRow  # noqa: E402
from panels import LivePanel, MachineStatusPanel, TestResultsPanel, TrainingPanel  # noqa: E402

log = logging.getLogger(__name__)


def _lines(name: str) -> list[str]:
    return (DATA / name).read_text().splitlines()


def training_panel() -> QWidget:
    """A training that stopped early, as train.py printed it."""
    panel = TrainingPanel()
    for line in _lines("train_early_stop.log"):
        panel.feed_line(line)
    panel.resize(900, 480)
    return panel


def test_results_panel() -> QWidget:
    """The test-set evaluation of evaluate.py."""
    panel = TestResultsPanel()
    for line in _lines("evaluate_output.log"):
        panel.feed_line(line)
    panel.resize(900, 360)
    return panel


def live_panel() -> QWidget:
    """my-imagenet.py's output with --print-scores, stopped mid-run on 'red'."""
    panel = LivePanel()
    panel.set_labels(["blue", "red", "yellow"])
    lines = _lines("imagenet_scores.log")
    for line in lines[:lines.index("LED pin 16 on") + 3]:
        panel.feed_line(line)
    panel.resize(460, 420)
    return panel


def machines_panel() -> QWidget:
    """A lab before a session: the server ready, one Nano ready, one switched off."""
    rows = [
        CheckRow("dl-server", "dl", "student@10.0.0.5:22", {
            "reachable": CheckResult(OK, "yes"), "login": CheckResult(OK, "as student"),
            "python": CheckResult(OK, "Python 3.11.2"),
            "software": CheckResult(OK, "torch 2.5.1, NVIDIA GeForce RTX 3060"),
            "camera": CheckResult(SKIP, "not needed"), "disk": CheckResult(OK, "112.4 GiB free")}),
        CheckRow("nano-1", "nano", "nano@10.0.0.21:22", {
            "reachable": CheckResult(OK, "yes"), "login": CheckResult(OK, "as nano"),
            "python": CheckResult(OK, "Python 3.6.9"),
            "software": CheckResult(OK, "jetson-inference"),
            "camera": CheckResult(OK, "/dev/video0"),
            "disk": CheckResult(WARN, "1.6 GiB free", "little space left")}),
        CheckRow("nano-2", "nano", "nano@10.0.0.22:22", {
            "reachable": CheckResult(FAIL, "no", "10.0.0.22:22: timed out after 5 s"),
            "login": CheckResult(SKIP, "not reachable"), "python": CheckResult(SKIP, "not reachable"),
            "software": CheckResult(SKIP, "not reachable"), "camera": CheckResult(SKIP, "not reachable"),
            "disk": CheckResult(SKIP, "not reachable")}),
    ]
    panel = MachineStatusPanel()
    panel.set_rows(rows)
    panel.resize(1180, 190)
    return panel


PANELS = {
    "panel_training.png": training_panel,
    "panel_test_results.png": test_results_panel,
    "panel_live.png": live_panel,
    "panel_machines.png": machines_panel,
}


def main(argv: list[str] | None = None) -> int:
    """Write every screenshot; returns 0, or 1 when one could not be saved."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "doc", help="folder for the PNGs")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    args.out.mkdir(parents=True, exist_ok=True)
    status = 0
    for name, build in PANELS.items():
        panel = build()
        panel.show()
        app.processEvents()
        target = args.out / name
        partial = target.with_name(target.stem + ".part.png")
        # Write under a temporary name, then rename: a crash never leaves half a PNG.
        if panel.grab().save(str(partial), "PNG"):
            partial.replace(target)
            print(f"wrote {target}")
        else:
            print(f"error: could not write {target}", file=sys.stderr)
            status = 1
        panel.close()
    return status


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main())
