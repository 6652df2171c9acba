"""Launch the real app under Xvfb with Qt's real `xcb` platform (not offscreen).

Every machine of the config is down (a closed port on 127.0.0.1): the window must appear
within 2 seconds, from another current folder, and the process must stay up.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.paths import REPO

from core.version import __version__

APP = REPO / "ai_nano.py"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def xvfb(tmp_path):
    """A private X server; DISPLAY for it."""
    assert shutil.which("Xvfb"), "Xvfb is missing: tests/run.sh installs the xvfb package"
    for number in range(90, 140):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            break
    display = f":{number}"
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x860x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        assert server.poll() is None and time.monotonic() < deadline, "Xvfb did not start"
        time.sleep(0.05)
    yield display
    server.terminate()
    server.wait(5)


def _window_ids(display: str, title: str) -> list[str]:
    out = subprocess.run(["xwininfo", "-root", "-tree"], env={**os.environ, "DISPLAY": display},
                         capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if f'"{title}"' in line]


def test_cv2_ships_no_qt_plugins():
    """opencv-python's own Qt plugins make PyQt5 abort on a real display: we use headless."""
    cv2_dir = Path(importlib.util.find_spec("cv2").origin).parent
    assert not (cv2_dir / "qt" / "plugins").exists(), "opencv-python is installed; use opencv-python-headless"


def test_window_opens_on_xcb_with_every_machine_down(xvfb, tmp_path):
    port = _closed_port()
    down = {"ip": "127.0.0.1", "port": port, "login": "nobody", "pwd": "x"}
    config = tmp_path / "config.json"
    config.write_text(json.dumps({
        "DL_server": {"name": "DL", **down},
        "jetson_nano": [{"name": "nano1", **down}, {"name": "nano2", **down}],
    }))
    config.chmod(0o600)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "DISPLAY": xvfb, "QT_QPA_PLATFORM": "xcb", "HOME": str(tmp_path)}
    env.pop("QT_QPA_PLATFORM_PLUGIN_PATH", None)
    started = time.monotonic()
    app = subprocess.Popen([sys.executable, str(APP), "--config", str(config)], cwd=elsewhere,
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        opened_after = None
        while time.monotonic() - started < 15:
            assert app.poll() is None, f"the app exited: {app.stdout.read()}"
            if _window_ids(xvfb, f"ai_nano {__version__}"):
                opened_after = time.monotonic() - started
                break
            time.sleep(0.05)
        assert opened_after is not None, "no ai_nano window appeared"
        assert opened_after < 2.0, f"the window took {opened_after:.2f} s to open"
        time.sleep(6)  # the background machine checks fail meanwhile: the app stays up
        assert app.poll() is None, "the app died while its machines were down"
        shot = tmp_path / "shot.png"
        subprocess.run(["import", "-window", "root", str(shot)],
                       env={**os.environ, "DISPLAY": xvfb}, check=True, timeout=20)
        assert shot.stat().st_size > 10_000
    finally:
        app.terminate()
        try:
            output, _ = app.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            app.kill()
            output, _ = app.communicate()
    assert "Could not load the Qt platform plugin" not in output
    assert "Traceback" not in output, output
