"""Bad input (issue 6): hostile names and paths, broken config files, missing cameras.

Every remote command the pipeline builds is run for real, over SSH, with class names,
a model name, workdirs, a Python path and a camera path that try to break out of a
shell. They must arrive as plain text: no command of theirs ever runs, nothing is
written outside the workspace or the workdir.
"""
from __future__ import annotations

import functools
import json
import os
import sys
import uuid
from pathlib import Path

import pytest

from core import jobs, nano_steps, pipeline
from core.config import ConfigError, TrainingSettings, load_config
from core.machines import open_connection
from core.pipeline import Report, StepError
from tests.media import CLASS_COLOURS, make_image_folder, make_video
from tests.sshd import chown_tree, user_processes
from core.workspace import Workspace, WorkspaceError, validate_class_name


import ai_nano  # noqa: E402

TINY = TrainingSettings(epochs=2, batch_size=8, resolution=32, pretrained=False, patience=0)


def hostile(token: str) -> str:
    """A name with every shell trick; each would create a file named after token if run."""
    return (f"x $(touch {token}a) `touch {token}b`; touch {token}c & "
            f"'q' \"d\" \\ é…")


def planted(token: str, *folders: Path) -> list[Path]:
    """Files a broken-out command would have created (searched where commands run)."""
    found = []
    for folder in folders:
        if folder.is_dir():
            found += [p for p in folder.rglob(f"{token}*")]
    return found


HOSTILE_CLASSES = ["my class", "it's \"quoted\"", "a;b", "$(touch PWNED)", "`id`", "été ñ",
                   "a..b", "-rf"]


def test_hostile_names_through_every_remote_command(sshd_pair, make_machine, known_hosts,
                                                    remote_workdir, test_user, tmp_path):
    """Steps 4 to 8 with hostile class names, model name, workdirs, python and camera."""
    token = f"pwn{uuid.uuid4().hex[:8]}"
    name = hostile(token)
    colours = list(CLASS_COLOURS.values())
    classes = {cls: colours[i % len(colours)] for i, cls in enumerate(HOSTILE_CLASSES)}
    root = tmp_path / f"ws {name}"
    make_image_folder(root / "images", classes, per_class=5, size=(32, 24))
    workspace = Workspace(root)
    workspace.split(seed=0)
    assert sorted(workspace.classes()) == sorted(HOSTILE_CLASSES)

    dl_home = remote_workdir / f"dl {name}"
    nano_home = remote_workdir / f"nano {name}"
    for folder in (dl_home, nano_home):
        folder.mkdir()
        os.symlink(sys.executable, folder / f"py {name}")  # the configured interpreter
    video = make_video(nano_home / f"cam {name}.avi", CLASS_COLOURS["red"], frames=3000,
                       size=(64, 48))
    chown_tree(remote_workdir, test_user)
    dl = make_machine(sshd_pair[0], workdir=str(dl_home / "work"),
                      python=str(dl_home / f"py {name}"))
    nano = make_machine(sshd_pair[1], role="nano", workdir=str(nano_home / "work"),
                        python=str(nano_home / f"py {name}"), camera=str(video))
    connect = functools.partial(open_connection, known_hosts=known_hosts, timeout=5.0)
    model = f"model {name}".replace("\\", "")  # a backslash is refused in model names
    lines: list[str] = []
    report = Report(line=lines.append)

    with connect(dl) as conn:
        pipeline.upload_dataset(workspace, model, conn, report)
    base = dl_home / "work" / "models" / model
    assert sorted(p.name for p in (base / "train").iterdir()) == sorted(HOSTILE_CLASSES)
    assert (base / "labels.txt").read_text() == "".join(f"{c}\n" for c in sorted(classes))

    jobs.train_model(connect, dl, model, TINY, report)
    with connect(dl) as conn:
        assert jobs.training_state(conn, model)["state"] == "finished"
    jobs.convert_to_onnx(connect, dl, model, report)
    evaluation = json.loads((base / "model" / "evaluation.json").read_text())
    assert [c["label"] for c in evaluation["per_class"]] == sorted(HOSTILE_CLASSES)

    with connect(dl) as dl_conn, connect(nano) as nano_conn:
        nano_steps.upload_model_to_nano(dl_conn, nano_conn, model, TINY.arch, report)
        assert nano_steps.list_nano_models(nano_conn) == [model]
    stop_report = Report()

    def on_line(text: str) -> None:
        lines.append(text)
        if text.startswith("image is recognized as"):
            stop_report.stop.set()
    stop_report.line = on_line
    with connect(nano) as conn:
        assert nano_steps.run_inference(conn, model, stop_report) == 0
        nano_steps.switch_off_leds(conn, report)
    results = [text for text in lines if text.startswith("image is recognized as")]
    assert results and any(f"'{cls}'" in results[0] for cls in HOSTILE_CLASSES), results
    assert user_processes(test_user, token) == []
    where = [remote_workdir, test_user.home / "ai_nano_tests", tmp_path, Path.cwd(), Path("/tmp")]
    assert planted(token, *where) == [], "a hostile name was run by a shell"
    assert planted("PWNED", tmp_path, remote_workdir) == []
    # nothing written beside the workdirs or the workspace
    assert sorted(p.name for p in remote_workdir.iterdir()) == sorted([dl_home.name,
                                                                      nano_home.name])
    assert sorted(p.name for p in dl_home.iterdir()) == sorted([f"py {name}", "work"])


@pytest.mark.parametrize("bad", ["../../outside", "a/b", "..", ".hidden", "", "x\ny"])
def test_model_names_that_leave_the_models_folder_are_refused(bad, local_machine, tmp_path):
    make_image_folder(tmp_path / "ws" / "images", per_class=5, size=(32, 24))
    workspace = Workspace(tmp_path / "ws")
    workspace.split(seed=0)
    dl = local_machine("dl")
    nano = local_machine("nano")
    connect = functools.partial(open_connection, known_hosts=tmp_path / "kh")
    with connect(dl) as conn, pytest.raises(StepError, match="model name"):
        pipeline.upload_dataset(workspace, bad, conn, Report())
    with pytest.raises(StepError, match="model name"):
        jobs.train_model(connect, dl, bad, TINY, Report())
    with pytest.raises(StepError, match="model name"):
        jobs.convert_to_onnx(connect, dl, bad, Report())
    with connect(dl) as dl_conn, connect(nano) as nano_conn:
        with pytest.raises(StepError, match="model name"):
            nano_steps.upload_model_to_nano(dl_conn, nano_conn, bad, "resnet18", Report())
        with pytest.raises(StepError, match="model name"):
            nano_steps.run_inference(nano_conn, bad, Report())
    assert not (tmp_path / "outside").exists() and not (tmp_path / "local_dl").exists()
    assert not (tmp_path / "local_nano" / "models").exists()


@pytest.mark.parametrize("bad, words", [("../up", "path separator"), ("a/b", "path separator"),
                                        (".hidden", "starts with a dot"), ("..", "dot"),
                                        ("  ", "empty"),
                                        ("tab\there", "control character")])
def test_hostile_class_names_are_refused_in_the_window(bad, words, qtbot, tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"DL_server": {"name": "dl", "ip": "local"}}))
    window = ai_nano.GUI_ai_nano(config, known_hosts=tmp_path / "kh")
    qtbot.addWidget(window)
    window.open_workspace(tmp_path / "ws")
    qtbot.waitUntil(window.btn_project_ok.isEnabled, timeout=10_000)
    window.btn_project_ok.click()
    form = window.forms[0]
    form.lineEdit_class_name.setText(bad)
    form.pushButton_create.click()
    assert form.class_name() is None
    assert words in window.lbl_status.text()
    created = [p for p in tmp_path.rglob("*") if p.is_dir() and "images" in p.parts]
    assert all(p.parent == tmp_path / "ws" / "images" or p == tmp_path / "ws" / "images"
               for p in created), created
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.json", "ws"]
    window.close()


# --- malformed config.json: one line naming the problem, the window still opens -------------

BAD_CONFIGS = {
    "bad JSON": ('{"DL_server": {"name": "dl", "ip": "local",}}', "line 1, column"),
    "missing key": ('{"DL_server": {"name": "dl", "login": "a"}}', "DL_server.ip is missing"),
    "wrong type": ('{"DL_server": {"name": "dl", "ip": "h", "login": "a", "port": "22"}}',
                   "DL_server.port must be an integer, not a string"),
    "nanos not a list": ('{"DL_server": null, "jetson_nano": {"name": "n"}}',
                         "jetson_nano must be a list"),
    "same Nano twice": ('{"jetson_nano": [{"name": "n", "ip": "local"}, '
                        '{"name": "n", "ip": "local"}]}', "'n' is used twice"),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_malformed_config_is_named_and_the_window_opens(case, qtbot, tmp_path):
    text, expected = BAD_CONFIGS[case]
    config = tmp_path / "config.json"
    config.write_text(text)
    window = ai_nano.GUI_ai_nano(config, known_hosts=tmp_path / "kh")
    qtbot.addWidget(window)
    window.show()
    assert window.isVisible()
    assert "config.json" in window.lbl_status.text() and expected in window.lbl_status.text()
    assert expected in window.txt_log.toPlainText()
    assert "Traceback" not in window.txt_log.toPlainText()
    # The app carries on: a working space can still be opened and images recorded.
    window.open_workspace(tmp_path / "ws")
    qtbot.waitUntil(window.btn_project_ok.isEnabled, timeout=10_000)
    window.btn_upload_to_dl.setEnabled(True)
    window.btn_upload_to_dl.click()
    assert "No DL server in config.json" in window.lbl_status.text()
    window.close()


def test_unknown_nano_name_is_named_with_the_known_ones(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"jetson_nano": [{"name": "nano-1", "ip": "local"},
                                                  {"name": "nano-2", "ip": "local"}]}))
    with pytest.raises(ConfigError) as caught:
        load_config(config).nano("nano-9")
    assert str(caught.value) == ("config.json: no Jetson Nano named 'nano-9' "
                                 "(known: nano-1, nano-2)")


# --- camera missing, or gone during a recording -----------------------------------------------

def test_camera_missing_then_gone_mid_recording_keeps_images_and_resumes(qtbot, tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"DL_server": {"name": "dl", "ip": "local"}}))
    video = make_video(tmp_path / "red.avi", CLASS_COLOURS["red"], frames=90, size=(64, 48),
                       fps=30)
    window = ai_nano.GUI_ai_nano(config, known_hosts=tmp_path / "kh")
    qtbot.addWidget(window)

    def choose_camera(source: str) -> None:
        window.cb_camera.setEditText(source)
        window.cb_camera.lineEdit().returnPressed.emit()
    choose_camera("/dev/video77")  # no such camera
    qtbot.waitUntil(lambda: "No camera at /dev/video77" in window.lbl_status.text(),
                    timeout=5000)
    window.open_workspace(tmp_path / "ws")
    qtbot.waitUntil(window.btn_project_ok.isEnabled, timeout=10_000)
    window.btn_project_ok.click()
    form = window.forms[0]
    form.lineEdit_class_name.setText("red")
    form.pushButton_create.click()
    form.pushButton_record.setChecked(True)
    qtbot.waitUntil(lambda: "No camera: cannot record 'red'" in window.lbl_status.text(),
                    timeout=5000)
    qtbot.waitUntil(lambda: not form.is_recording(), timeout=5000)

    choose_camera(str(video))  # plugged in: record a few images
    form.pushButton_record.setChecked(True)
    qtbot.waitUntil(lambda: form.count() >= 5, timeout=15_000)
    choose_camera("/dev/video77")  # unplugged during the recording
    qtbot.waitUntil(lambda: not form.is_recording(), timeout=8000)
    assert "No camera" in window.lbl_status.text()
    qtbot.wait(300)
    workspace = Workspace(tmp_path / "ws")
    kept = {p.name: p.read_bytes() for p in workspace.images("red")}
    assert len(kept) >= 5

    choose_camera(str(video))  # back again: recording resumes after the kept images
    form.pushButton_record.setChecked(True)
    qtbot.waitUntil(lambda: workspace.count("red") >= len(kept) + 3, timeout=15_000)
    form.pushButton_record.setChecked(False)
    after = {p.name: p.read_bytes() for p in workspace.images("red")}
    assert all(after[n] == data for n, data in kept.items()), "an image was overwritten"
    window.close()


def test_hostile_but_harmless_class_names_are_kept_unchanged():
    """Spaces, quotes, `;`, `$( )`, backticks, `..` inside, non-ASCII: valid folder names."""
    for name in HOSTILE_CLASSES:
        assert validate_class_name(name) == name
    with pytest.raises(WorkspaceError, match="path separator"):
        validate_class_name("a\\b")
