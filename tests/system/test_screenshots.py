"""doc/make_screenshots.py: the README's pictures are made by a script that works.

The panel pictures are rendered here (a second); the full tour of the window is the same
code path as tests/test_e2e.py's local run, so it is not repeated.
"""
from __future__ import annotations

import os
import subprocess
import sys

from PyQt5.QtGui import QImage
from tests.paths import REPO

ROOT = REPO
PANELS = ("panel_training.png", "panel_test_results.png", "panel_live.png", "panel_machines.png")


def test_panel_screenshots_are_made_from_recorded_output(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "doc" / "make_screenshots.py"),
                             "--panels-only", "--out", str(tmp_path)], cwd=tmp_path,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in PANELS:
        image = QImage(str(tmp_path / name))
        assert not image.isNull(), name
        assert image.width() >= 400 and image.height() >= 150, (name, image.size())
        # not a blank picture: many distinct colours (curves, cells, LEDs, text)
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
                   for y in range(0, image.height(), 7)}
        assert len(colours) > 20, name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(PANELS)


def test_the_readme_shows_pictures_that_exist():
    readme = (ROOT / "README.md").read_text()
    pictures = [line.split("](", 1)[1].split(")", 1)[0] for line in readme.splitlines()
                if "![" in line]
    assert len(pictures) >= 4
    for picture in pictures:
        assert (ROOT / picture).is_file(), picture
