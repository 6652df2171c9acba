"""Interrupted work (issue 6): the app SIGKILLed during a recording, a split or an upload.

Each case runs the real code in a child process (the window itself for the recording),
kills it with SIGKILL at a moment it is writing, then reopens the workspace: no image is
lost or overwritten, images/ is intact, nothing half-done is used, and the step can be
done again.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import pytest

from core import tasks
from core.machines import open_connection
from core.pipeline import Report
from tests.media import CLASS_COLOURS, make_image_folder, make_video
from core.workspace import PARTS, Workspace, WorkspaceError


import ai_nano  # noqa: E402
from tests.paths import REPO

ROOT = REPO


def image_hashes(root: Path) -> dict[str, str]:
    images = root / "images"
    return {str(p.relative_to(images)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(images.rglob("*.jpg"))}


def start_child(code: str, *args: str) -> subprocess.Popen:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def kill_when(child: subprocess.Popen, ready, timeout_s: float = 60.0) -> None:
    """SIGKILL the child as soon as ready() is true (no clean-up can run)."""
    deadline = time.monotonic() + timeout_s
    while not ready():
        if child.poll() is not None:
            pytest.fail(f"the child ended before it was killed: {child.stdout.read()[-2000:]}")
        if time.monotonic() > deadline:
            child.kill()
            pytest.fail("the child never reached the moment to kill it")
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL


# --- recording -----------------------------------------------------------------------------

RECORD_IN_WINDOW = r"""
import sys
from pathlib import Path
from PyQt5.QtCore import QTimer
from PyQt5.QtWidgets import QApplication
import ai_nano
config, known_hosts, folder, video = sys.argv[1:5]
app = QApplication(sys.argv[:1])
window = ai_nano.GUI_ai_nano(Path(config), known_hosts=Path(known_hosts))
window.show()
window.open_workspace(Path(folder))
def go():
    if not window.btn_project_ok.isEnabled():
        QTimer.singleShot(20, go)
        return
    window.cb_camera.setEditText(video)
    window.cb_camera.lineEdit().returnPressed.emit()
    window.sb_nb_categories.setValue(1)
    window.btn_project_ok.click()
    form = window.forms[0]
    form.lineEdit_class_name.setText("red")
    form.pushButton_create.click()
    form.pushButton_record.setChecked(True)
    print("recording", flush=True)
QTimer.singleShot(20, go)
app.exec_()
"""


def test_window_killed_while_recording_loses_and_overwrites_nothing(qtbot, tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"DL_server": {"name": "dl", "ip": "local"}}))
    video = make_video(tmp_path / "red.avi", CLASS_COLOURS["red"], frames=90, size=(64, 48),
                       fps=30)
    ws = tmp_path / "ws"
    red = ws / "images" / "red"
    child = start_child(RECORD_IN_WINDOW, config, tmp_path / "kh", ws, video)
    kill_when(child, lambda: red.is_dir() and len(list(red.glob("*.jpg"))) >= 8)
    recorded = image_hashes(ws)
    assert len(recorded) >= 8
    for name in recorded:  # every image that has a name is a whole JPEG
        assert cv2.imread(str(ws / "images" / name)) is not None, name
    numbers = sorted(int(Path(name).stem) for name in recorded)
    assert numbers == list(range(1, len(numbers) + 1)), numbers

    # Reopened: the class and its count are back, and recording goes on after them.
    window = ai_nano.GUI_ai_nano(config, known_hosts=tmp_path / "kh")
    qtbot.addWidget(window)
    window.open_workspace(ws)
    qtbot.waitUntil(lambda: len(window.forms) == 1, timeout=10_000)
    assert f"red ({len(recorded)} images)" in window.txt_log.toPlainText()
    window.cb_camera.setEditText(str(video))
    window.cb_camera.lineEdit().returnPressed.emit()
    form = window.forms[0]
    qtbot.waitUntil(lambda: form.class_name() == "red", timeout=5000)
    form.pushButton_record.setChecked(True)
    qtbot.waitUntil(lambda: len(image_hashes(ws)) >= len(recorded) + 3, timeout=15_000)
    form.pushButton_record.setChecked(False)
    window.close()
    after = image_hashes(ws)
    assert {name: after[name] for name in recorded} == recorded, "an image was overwritten"


# --- split --------------------------------------------------------------------------------

SLOW_SPLIT = r"""
import os, sys, time
from core import workspace
real_link = os.link
def slow_link(*args, **kwargs):
    time.sleep(0.004)
    return real_link(*args, **kwargs)
os.link = slow_link
print("splitting", flush=True)
workspace.Workspace(sys.argv[1]).split(seed=0)
print("split done", flush=True)
"""


def parts_of(root: Path) -> dict[str, list[str]]:
    return {part: sorted(str(p.relative_to(root / part)) for p in (root / part).rglob("*.jpg"))
            for part in PARTS}


def test_killed_split_is_never_used_and_can_be_done_again(tmp_path):
    ws = tmp_path / "ws"
    make_image_folder(ws / "images", per_class=20, size=(32, 24))
    Workspace(ws).split(seed=0)  # a first, complete split
    make_image_folder(tmp_path / "more", per_class=300, size=(32, 24), seed=5)
    for image in (tmp_path / "more").rglob("*.jpg"):  # many new images: the next split is slow
        target = ws / "images" / image.parent.name / f"1{image.name}"
        shutil.copy(image, target)
    before = image_hashes(ws)
    state = ws / ".ai_nano"
    child = start_child(SLOW_SPLIT, ws)
    kill_when(child, lambda: len(list(state.glob("split-*/*/*/*.jpg"))) > 50)

    assert image_hashes(ws) == before, "images/ changed"
    reopened = Workspace(ws)
    assert not reopened.project_info().split_done, "a half split must not count as done"
    with pytest.raises(WorkspaceError, match="not split"):
        reopened.build_archive(tmp_path / "data.tar")

    result = reopened.split(seed=0)  # the step again: complete, reproducible
    assert not list(state.glob("split-*")), "leftovers of the killed split"
    assert sum(sum(c.values()) for c in result.counts.values()) == len(before)
    clean = tmp_path / "clean"
    shutil.copytree(ws / "images", clean / "images")
    Workspace(clean).split(seed=0)
    assert parts_of(ws) == parts_of(clean)
    assert image_hashes(ws) == before


# --- upload ---------------------------------------------------------------------------------

SLOW_UPLOAD = r"""
import functools, json, sys, time
from pathlib import Path
from core import tasks
from core.config import MachineConfig
from core.machines import open_connection
from core.pipeline import Report
from core.workspace import Workspace
machine = MachineConfig(**json.loads(sys.argv[1]))
connect = functools.partial(open_connection, known_hosts=Path(sys.argv[2]))
report = Report(line=lambda text: print(text, flush=True),
                progress=lambda done, total: time.sleep(0.03))
tasks.upload_dataset_task(connect, machine, Workspace(sys.argv[3]), report)
print("upload done", flush=True)
"""


def test_killed_upload_is_never_unpacked_and_a_retry_completes(sshd_server, make_machine,
                                                               known_hosts, remote_workdir,
                                                               tmp_path):
    ws = tmp_path / "ws"
    make_image_folder(ws / "images", per_class=25, size=(320, 240))
    Workspace(ws).split(seed=0)
    before = image_hashes(ws)
    machine = make_machine(sshd_server)
    fields = {key: getattr(machine, key) for key in ("name", "role", "host", "login",
                                                     "password", "port", "workdir", "python")}
    models = remote_workdir / "dl" / "models"
    child = start_child(SLOW_UPLOAD, json.dumps(fields), known_hosts, ws)
    kill_when(child, lambda: models.is_dir() and any(
        p.name == "data.tar.part" and p.stat().st_size > 100_000 for p in models.rglob("*")))

    assert image_hashes(ws) == before
    assert Workspace(ws).read_state().get("model") is None, "a killed upload is not a model"
    assert not list(models.rglob("data.tar")) and not list(models.rglob("train"))

    lines: list[str] = []
    connect = functools.partial(open_connection, known_hosts=known_hosts)
    model = tasks.upload_dataset_task(connect, machine, Workspace(ws), Report(line=lines.append))
    assert "End : data (tar archive) uploaded and extracted to DL machine" in lines
    assert Workspace(ws).read_state()["model"] == model
    uploaded = sorted(str(p.relative_to(models / model)) for p in (models / model).rglob("*.jpg"))
    assert uploaded == sorted(f"{part}/{name}" for part, names in parts_of(ws).items()
                              for name in names)
    assert image_hashes(ws) == before
    leftovers = [p.name for p in (ws / ".ai_nano").iterdir() if p.name.startswith("upload-")]
    assert leftovers == [], f"archives of the killed upload left on the laptop: {leftovers}"
