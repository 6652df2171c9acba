"""High-DPI: the real window under Xvfb (Qt's xcb platform) at 96 and 192 dpi, started
as main() starts it (scaling enabled before the QApplication). Every visible button's and
label's text must fit its widget, on every tab, with two recording forms open."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.paths import REPO

ROOT = REPO

# Runs in a child process: the QApplication attributes must be set before it exists.
PROBE = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import app_state
app_state.enable_high_dpi()
from PyQt5.QtCore import QSize, Qt, QRect
from PyQt5.QtWidgets import QApplication, QLabel, QPushButton, QStyle, QStyleOptionButton
app = QApplication(["ai_nano"])
import ai_nano
window = ai_nano.GUI_ai_nano(Path(sys.argv[2]), known_hosts=Path(sys.argv[3]) / "kh")
app_state.add_help_menu(window, None)
window.show()

def wait(seconds, until=lambda: False):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not until():
        app.processEvents()
        time.sleep(0.01)

window.open_workspace(Path(sys.argv[3]) / "ws")
wait(20, window.btn_project_ok.isEnabled)
window.btn_project_ok.click()
wait(1.0)

def cut(widget):
    text = widget.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    metrics = widget.fontMetrics()
    if isinstance(widget, QPushButton):
        option = QStyleOptionButton()
        widget.initStyleOption(option)
        needed = widget.style().sizeFromContents(
            QStyle.CT_PushButton, option, QSize(metrics.horizontalAdvance(text),
                                                metrics.height()), widget).width()
        return needed > widget.width()
    room = widget.contentsRect()
    if widget.wordWrap():
        box = metrics.boundingRect(QRect(0, 0, room.width(), 100000), Qt.TextWordWrap, text)
        return box.height() > room.height() or box.width() > room.width()
    return metrics.horizontalAdvance(text) > room.width()

problems = []
for index in range(window.tabs.count()):
    window.tabs.setCurrentIndex(index)
    wait(0.3)
    for widget in window.findChildren((QPushButton, QLabel)):
        if widget.isVisible() and widget.text() and "<" not in widget.text() and cut(widget):
            problems.append("%s %r (%d px wide)" % (widget.objectName() or type(widget).__name__,
                                                     widget.text(), widget.width()))
print(json.dumps({"ratio": window.devicePixelRatioF(), "forms": len(window.forms),
                  "problems": sorted(set(problems))}))
sys.stdout.flush()
window.close()  # waits for the background checks' threads
"""


def start_xvfb(dpi: int, size: str) -> tuple[subprocess.Popen, str]:
    assert shutil.which("Xvfb"), "Xvfb is missing: tests/run.sh installs the xvfb package"
    for number in range(140, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and \
                not Path(f"/tmp/.X{number}-lock").exists():
            break
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", size, "-dpi", str(dpi),
                               "-nolisten", "tcp"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        assert server.poll() is None and time.monotonic() < deadline, "Xvfb did not start"
        time.sleep(0.05)
    return server, f":{number}"


@pytest.mark.xvfb
@pytest.mark.parametrize("dpi, size, ratio", [(96, "1600x1000x24", 1.0),
                                              (192, "3200x2000x24", 2.0)])
def test_no_text_is_cut(dpi: int, size: str, ratio: float, tmp_path: Path,
                        closed_port: int) -> None:
    config = tmp_path / "config.json"
    down = {"ip": "127.0.0.1", "port": closed_port, "login": "student"}  # checks end fast
    config.write_text(json.dumps({
        "DL_server": {"name": "DL", **down},
        "jetson_nano": [{"name": "A Nano with a rather long name", **down}]}))
    server, display = start_xvfb(dpi, size)
    try:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
               "HOME": str(tmp_path), "XDG_RUNTIME_DIR": str(tmp_path)}
        for name in ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_SCALE_FACTOR", "QT_SCREEN_SCALE_FACTORS",
                     "QT_AUTO_SCREEN_SCALE_FACTOR", "QT_ENABLE_HIGHDPI_SCALING"):
            env.pop(name, None)
        result = subprocess.run([sys.executable, "-c", PROBE, str(ROOT), str(config),
                                 str(tmp_path)], env=env, capture_output=True, text=True,
                                timeout=120)
    finally:
        server.terminate()
        server.wait(5)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["ratio"] == ratio, report  # scaling is on at 192 dpi
    assert report["forms"] == 2
    assert report["problems"] == [], report["problems"]
