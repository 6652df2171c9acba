"""Issue 16, points 1 and 4: the window on a 1366×768 laptop, and controls that explain themselves."""
from __future__ import annotations

from pathlib import Path

import pytest
from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import (QAbstractButton, QComboBox, QLineEdit, QListWidget, QSpinBox,
                             QTabBar, QWidget)

import ai_nano
from tests.app.windows import idle_window
from tests.media import CLASS_COLOURS, make_image_folder, make_video
from widgets.training import EpochAxis, TrainingPanel

#: A 1366×768 screen less a title bar and a taskbar.
USABLE = (1366, 700)


def window_with(qtbot, tmp_path: Path) -> ai_nano.GUI_ai_nano:
    return idle_window(qtbot, tmp_path, [{"name": "nano-1", "ip": "local", "workdir": str(tmp_path / "nano")}])


def four_classes(tmp_path: Path) -> Path:
    colours = {k: CLASS_COLOURS[k] for k in ("blue", "red", "yellow")} | {"green": (40, 200, 40)}
    make_image_folder(tmp_path / "ws" / "images", colours, per_class=30, size=(64, 48))
    return tmp_path / "ws"


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_the_window_fits_a_laptop_and_shows_four_classes_without_scrolling(qtbot, tmp_path):
    window = window_with(qtbot, tmp_path)
    assert window.lbl_hint.isVisibleTo(window) and "Start here" in window.lbl_hint.text()
    window.show()
    assert window.width() <= USABLE[0] and window.height() <= USABLE[1]
    hint = window.minimumSizeHint()
    assert hint.width() <= USABLE[0] and hint.height() <= USABLE[1]
    window.open_workspace(four_classes(tmp_path))
    qtbot.wait_until(lambda: [f.count() for f in window.forms] == [30] * 4, timeout=10_000)
    qtbot.wait(100)
    assert not window.lbl_hint.isVisible()                       # a project is open
    assert window.sa_record.verticalScrollBar().maximum() == 0    # four classes, no scrolling
    thumbnails = window.forms[0].listWidget_thumbnails
    assert thumbnails.iconSize().height() >= 42 and thumbnails.item(0).text() == ""
    # the Nano choice sits just above the steps that use it (7 and 8)
    y = lambda widget: widget.mapTo(window, widget.rect().topLeft()).y()  # noqa: E731
    assert y(window.btn_convert_onnx) < y(window.cb_nano_name) < y(window.btn_upload_to_nano)
    assert y(window.btn_upload_to_nano) == y(window.btn_inference)


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_space_records_the_selected_class_and_create_does_not_scroll(qtbot, tmp_path):
    video = make_video(tmp_path / "red.avi", CLASS_COLOURS["red"], frames=200, fps=20)
    window = window_with(qtbot, tmp_path)
    window.show()
    window.open_workspace(tmp_path / "ws")
    qtbot.wait_until(lambda: window.workspace is not None, timeout=10_000)
    window.cb_camera.setEditText(str(video))
    window.sb_nb_categories.setValue(6)
    window.create_project()
    first, second = window.forms[:2]
    for form, name in ((first, "blue"), (second, "red")):
        form.lineEdit_class_name.setText(name)
        form.pushButton_create.setFocus()
        qtbot.mouseClick(form.pushButton_create, Qt.LeftButton)
    assert window.sa_record.verticalScrollBar().value() == 0     # no jump to an empty strip
    first.pushButton_record.setFocus()                            # the selected class
    qtbot.keyClick(first.pushButton_record, Qt.Key_Space)
    assert first.is_recording() and not second.is_recording()
    qtbot.wait_until(lambda: first.count() >= 2, timeout=10_000)
    qtbot.keyClick(first.pushButton_record, Qt.Key_Space)
    assert not first.is_recording()
    second.lineEdit_class_name.setFocus()                          # read-only: Space records
    qtbot.keyClick(second.lineEdit_class_name, Qt.Key_Space)
    assert second.is_recording()
    window.toggle_recording()
    assert not second.is_recording()
    window.close()


def test_the_idle_progress_bar_is_empty_and_silent(qtbot, tmp_path):
    window = window_with(qtbot, tmp_path)
    assert window.pb_step.value() <= 0 and not window.pb_step.isTextVisible()
    window.run_task("split", lambda report: report.progress(5, 10))
    qtbot.wait_until(lambda: not window.runner.running(), timeout=5000)
    qtbot.wait(50)   # the queued succeeded/failed slots
    assert window.pb_step.value() <= 0 and not window.pb_step.isTextVisible()


def test_epoch_ticks_are_whole_numbers(qtbot):
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    axis = panel.accuracy_plot.getAxis("bottom")
    assert isinstance(axis, EpochAxis)
    for low, high in ((1, 2), (1, 3), (1, 12), (1, 75)):
        ticks = [v for _, values in axis.tickValues(low, high, 300) for v in values]
        assert ticks and all(float(v).is_integer() for v in ticks), (low, high, ticks)


def controls(root: QWidget) -> list[QWidget]:
    kinds = (QAbstractButton, QLineEdit, QComboBox, QSpinBox, QListWidget)
    return [w for w in root.findChildren(QWidget) if isinstance(w, kinds)
            and not w.objectName().startswith("qt_") and w.objectName()
            and not isinstance(w.parent(), (QComboBox, QSpinBox, QTabBar))]


def test_every_control_explains_itself(qtbot, tmp_path):
    window = window_with(qtbot, tmp_path)
    window.open_workspace(tmp_path / "ws")
    qtbot.wait_until(lambda: window.workspace is not None, timeout=10_000)
    window.create_project()
    found = controls(window)
    names = {w.objectName() for w in found}
    assert {"btn_project_ok", "btn_split_image", "btn_stop", "le_working_space", "cb_camera",
            "pushButton_delete", "listWidget_thumbnails", "pushButton_record"} <= names
    silent = sorted({w.objectName() for w in found if not w.toolTip().strip()})
    assert silent == []
    steps = [window.btn_split_image, window.btn_upload_to_dl, window.btn_train_model,
             window.btn_convert_onnx, window.btn_upload_to_nano]
    for number, button in enumerate(steps, start=3):
        assert f"step {number + 1}" in button.toolTip(), button.objectName()   # what comes next
