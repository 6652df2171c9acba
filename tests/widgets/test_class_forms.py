"""Issue 11 in the window: import (button, drop), rename, remove, reopen any layout, LEDs at close."""
from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import cv2
from PyQt5.QtCore import QMimeData, QPoint, Qt, QUrl
from PyQt5.QtGui import QDropEvent

import ai_nano
from core import tasks
from record_images import RecordImagesForm
from tests.media import CLASS_COLOURS, make_frame, make_image_folder, make_video
from core.workspace import Workspace


def made_form(qtbot, root: Path, name: str = "red", **kwargs) -> RecordImagesForm:
    form = RecordImagesForm(Workspace(root), **kwargs)
    qtbot.addWidget(form)
    form.lineEdit_class_name.setText(name)
    form.pushButton_create.click()
    assert form.class_name() == name and form.pushButton_import.isEnabled()
    return form


def test_import_in_a_worker_lists_what_it_skipped(qtbot, tmp_path):
    form = made_form(qtbot, tmp_path / "ws")
    outside = tmp_path / "photos"
    outside.mkdir()
    cv2.imwrite(str(outside / "a.png"), make_frame(CLASS_COLOURS["red"], 1, (64, 48)))
    cv2.imwrite(str(outside / "b.webp"), make_frame(CLASS_COLOURS["red"], 2, (64, 48)))
    (outside / "c.jpg").write_bytes(b"garbage")
    video = make_video(tmp_path / "clip.avi", CLASS_COLOURS["red"], frames=20, fps=10.0)
    messages, lines = [], []
    form.message.connect(messages.append)
    form.log.connect(lines.append)
    form.import_paths([str(outside), str(video)])
    assert form.pushButton_import.text() == "Cancel"
    qtbot.wait_until(lambda: form.pushButton_import.text() == "Import…", timeout=20_000)
    qtbot.wait_until(lambda: form.count() == 12, timeout=5000)   # 2 pictures + 2 s of video at 5/s
    assert messages == ["1 file(s) not imported into 'red': c.jpg: not a readable picture"]
    assert any(text.startswith("Imported 12 picture(s) into 'red'") for text in lines)
    assert sorted(os.listdir(tmp_path / "ws" / "images" / "red"))[:2] == ["00001.jpg", "00002.jpg"]


def test_a_dropped_folder_is_imported_and_an_import_can_be_cancelled(qtbot, tmp_path):
    form = made_form(qtbot, tmp_path / "ws")
    make_image_folder(tmp_path / "drop", {"x": CLASS_COLOURS["red"]}, per_class=3, size=(32, 24))
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(tmp_path / "drop"))])
    event = QDropEvent(QPoint(5, 5), Qt.CopyAction, data, Qt.LeftButton, Qt.NoModifier)
    form.dropEvent(event)
    qtbot.wait_until(lambda: form.count() == 3, timeout=10_000)
    qtbot.wait_until(lambda: form.pushButton_import.text() == "Import…", timeout=5000)
    make_video(tmp_path / "long.avi", CLASS_COLOURS["red"], frames=600, fps=30.0)
    form.import_paths([str(tmp_path / "long.avi")])
    form.pushButton_import.click()                                 # Cancel
    qtbot.wait_until(lambda: form.pushButton_import.text() == "Import…", timeout=10_000)
    qtbot.wait_until(lambda: form.label_count.text().endswith("images"), timeout=5000)
    assert 3 <= form.count() < 3 + 100                            # stopped before the 100 frames
    assert all(cv2.imread(str(p)) is not None for p in Workspace(tmp_path / "ws").images("red"))


def test_rename_and_remove_a_class(qtbot, tmp_path):
    asked: list[str] = []
    form = made_form(qtbot, tmp_path / "ws", taken_names=lambda: ["blue"],
                     ask=lambda text: asked.append(text) or True)
    form.workspace.save_image("red", b"one")
    form.pushButton_rename.click()
    assert not form.lineEdit_class_name.isReadOnly()
    form.lineEdit_class_name.setText("blue")
    with qtbot.wait_signal(form.message, timeout=1000) as refused:
        form.pushButton_rename.click()
    assert "Another form" in refused.args[0]
    form.lineEdit_class_name.setText("rouge")
    with qtbot.wait_signal(form.class_renamed, timeout=1000) as renamed:
        form.pushButton_rename.click()
    assert renamed.args == ["red", "rouge"] and form.class_name() == "rouge"
    assert os.listdir(tmp_path / "ws" / "images") == ["rouge"]
    qtbot.wait_until(lambda: form.count() == 1, timeout=5000)    # re-read after the rename
    with qtbot.wait_signal(form.class_removed, timeout=1000):
        form.pushButton_remove.click()
    assert "1 picture(s) go to the trash" in asked[0]
    assert os.listdir(tmp_path / "ws" / "images") == []
    assert [p.read_bytes() for p in (tmp_path / "ws" / ".ai_nano" / "trash").rglob("*.jpg")] == [b"one"]


def window_with(tmp_path: Path, **kwargs) -> ai_nano.GUI_ai_nano:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"DL_server": None, "jetson_nano": [
        {"name": "n", "ip": "local", "workdir": str(tmp_path / "nano")}]}))
    return ai_nano.GUI_ai_nano(config, known_hosts=tmp_path / "kh", **kwargs)


def test_reopening_an_old_layout_asks_then_brings_the_pictures_in(qtbot, tmp_path, monkeypatch):
    root = tmp_path / "old"
    for part in ("train", "val", "test"):
        make_image_folder(root / part, per_class=4, size=(32, 24), seed=len(part))
    window = window_with(tmp_path)
    qtbot.addWidget(window)
    asked: list[str] = []
    monkeypatch.setattr(window, "ask", lambda text: asked.append(text) or True)
    window.open_workspace(root)
    qtbot.wait_until(lambda: len(window.forms) == 2, timeout=20_000)
    assert asked[0].startswith("This folder looks like a working space of the original tool "
                               "(pictures in train/val/test): "
                               "2 class(es), 24 picture(s)")
    qtbot.wait_until(lambda: [f.count() for f in window.forms] == [12, 12], timeout=10_000)
    second = window._add_form()
    second.lineEdit_class_name.setText("red")                    # two forms, one class: refused
    second.pushButton_create.click()
    assert second.class_name() is None and "Another form" in window.lbl_status.text()
    window.close()


def test_closing_switches_the_leds_off_without_waiting_long(qtbot, tmp_path, monkeypatch):
    called: list[list[str]] = []
    release = threading.Event()

    def slow_switch_off(connect, nanos, report):
        called.append([nano.name for nano in nanos])
        release.wait(30)                                      # a Nano that does not answer
    monkeypatch.setattr(tasks, "switch_off_leds_task", slow_switch_off)
    window = window_with(tmp_path, connect_timeout=1.0)
    qtbot.addWidget(window)
    window.model_name = "m"
    window.inference()                                        # fails: no model there
    qtbot.wait_until(lambda: not window.runner.is_running("inference"), timeout=20_000)
    start = time.monotonic()
    window.close()
    took = time.monotonic() - start
    release.set()
    assert called == [["n"]]
    assert 0.9 <= took < 3.0, took
