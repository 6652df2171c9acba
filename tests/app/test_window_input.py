"""Issue 16, point 0: what a student types in step 1 is what the window uses.

A generated video file stands in for the webcam (typed into the camera box, as a student
without a webcam does); the folder dialog is the only thing replaced (it would block).
"""
from __future__ import annotations

from pathlib import Path

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QFileDialog

import ai_nano
from tests.app.windows import idle_window
from tests.media import CLASS_COLOURS, make_image_folder, make_video


def window_with(qtbot, tmp_path: Path) -> ai_nano.GUI_ai_nano:
    return idle_window(qtbot, tmp_path)


def opened(qtbot, window: ai_nano.GUI_ai_nano, folder: Path) -> None:
    window.open_workspace(folder)
    qtbot.wait_until(lambda: window.workspace is not None, timeout=10_000)


def type_camera(window: ai_nano.GUI_ai_nano, text: str) -> None:
    """Type into the camera box as a student does: no Enter, no focus change."""
    window.cb_camera.lineEdit().clear()
    window.cb_camera.lineEdit().insert(text)


def test_a_typed_camera_is_used_by_project_ok_and_recording_without_enter(qtbot, tmp_path):
    video = make_video(tmp_path / "red.avi", CLASS_COLOURS["red"], frames=200, fps=20)
    window = window_with(qtbot, tmp_path)
    opened(qtbot, window, tmp_path / "ws")
    type_camera(window, str(video))
    with qtbot.waitSignal(window.camera.source_changed, timeout=10_000) as opened_source:
        qtbot.mouseClick(window.btn_project_ok, Qt.LeftButton)
    assert opened_source.args == [str(video)]
    form = window.forms[0]
    form.lineEdit_class_name.setText("red")
    form.pushButton_create.click()
    type_camera(window, str(video) + " ")            # typed again, no Enter: same camera
    qtbot.mouseClick(form.pushButton_record, Qt.LeftButton)
    qtbot.wait_until(lambda: form.count() >= 2, timeout=10_000)
    qtbot.mouseClick(form.pushButton_record, Qt.LeftButton)
    assert len(list((tmp_path / "ws" / "images" / "red").glob("*.jpg"))) >= 2
    window.close()


def test_recording_without_a_working_camera_says_so_at_start(qtbot, tmp_path):
    window = window_with(qtbot, tmp_path)
    window.cb_camera.clear()
    opened(qtbot, window, tmp_path / "ws")
    window.sb_nb_categories.setValue(2)
    window.create_project()
    form = window.forms[0]
    form.lineEdit_class_name.setText("red")
    form.pushButton_create.click()
    qtbot.mouseClick(form.pushButton_record, Qt.LeftButton)       # no camera at all
    qtbot.wait_until(lambda: "No camera" in window.lbl_status.text(), timeout=5_000)
    qtbot.wait_until(lambda: not form.is_recording(), timeout=5_000)
    type_camera(window, str(tmp_path / "missing.avi"))          # a camera that does not open
    qtbot.mouseClick(form.pushButton_record, Qt.LeftButton)
    qtbot.wait_until(lambda: "missing.avi" in window.txt_log.toPlainText(), timeout=5_000)
    qtbot.wait_until(lambda: not form.is_recording(), timeout=5_000)
    assert form.count() == 0
    window.close()


def test_a_typed_working_space_is_opened_and_a_new_folder_made(qtbot, tmp_path):
    window = window_with(qtbot, tmp_path)
    new = tmp_path / "new" / "project"
    window.le_working_space.setFocus()
    qtbot.keyClicks(window.le_working_space, str(new))
    qtbot.keyClick(window.le_working_space, Qt.Key_Return)
    qtbot.wait_until(lambda: window.workspace is not None, timeout=10_000)
    assert new.is_dir() and window.workspace.root == new
    assert window.btn_project_ok.isEnabled()


def test_steps_follow_the_folder_after_every_change(qtbot, tmp_path):
    project = tmp_path / "project"
    make_image_folder(project / "images", per_class=4, size=(32, 24))
    window = window_with(qtbot, tmp_path)
    opened(qtbot, window, project)
    qtbot.wait_until(lambda: len(window.forms) == 2, timeout=10_000)
    assert window.btn_split_image.isEnabled() and window.gb_recording.isEnabled()
    window.open_workspace(tmp_path / "empty")                       # a folder with no project
    assert not window.btn_split_image.isEnabled() and window.forms == []
    qtbot.wait_until(lambda: window.workspace is not None, timeout=10_000)
    assert not window.btn_split_image.isEnabled() and not window.gb_recording.isEnabled()
    assert window.btn_project_ok.isEnabled()
    (tmp_path / "file").write_text("x")
    window.open_workspace(tmp_path / "file")                        # not a folder: refused
    qtbot.wait_until(lambda: "is not a folder" in window.lbl_status.text(), timeout=10_000)
    assert window.workspace is None and not window.btn_project_ok.isEnabled()


def test_the_folder_dialog_opens_in_home_or_the_last_working_space(qtbot, tmp_path, monkeypatch):
    window = window_with(qtbot, tmp_path)
    asked: list[tuple] = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        lambda *args: asked.append(args) or "")
    window.select_ws()
    assert asked[-1][2] == str(Path.home()) != str(ai_nano.APP_DIR)
    opened(qtbot, window, tmp_path / "ws")
    window.select_ws()
    assert asked[-1][2] == str(tmp_path / "ws")
    window.le_working_space.setText(str(tmp_path / "ws" / "not yet"))
    window.select_ws()
    assert asked[-1][2] == str(tmp_path / "ws")                     # its nearest existing parent


def test_a_model_chosen_in_the_list_is_the_one_steps_7_and_8_use(qtbot, tmp_path):
    window = window_with(qtbot, tmp_path)
    window._show_nano_models(["fruits-1", "fruits-2"])
    window.cb_select_model.setCurrentText("fruits-2")
    assert window.model_name == "fruits-2"
