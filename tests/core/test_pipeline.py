"""pipeline.py and tasks.py: the steps as plain functions, on a local machine.

The same functions run over SSH in the end-to-end test; here each behaviour is pinned
down on its own: script deployment by hash, the missing-package message, the job
command lines, the Nano's model list, and re-attaching to a training after the window
was closed and opened again.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import venv
from pathlib import Path

import pytest

from core import jobs, nano_steps, pipeline
from core import tasks
from core.config import TrainingSettings
from core.machines import LocalConnection, open_connection
from core.pipeline import Report, StepError
from tests.media import make_image_folder



def collect() -> tuple[Report, list[str]]:
    lines: list[str] = []
    return Report(line=lines.append), lines


def test_scripts_are_deployed_once_and_again_when_changed(tmp_path, local_machine):
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "a.py").write_text("print('a')\n")
    (scripts / "requirements.txt").write_text("numpy\n")
    (scripts / "notes.bin").write_bytes(b"\0")  # not a script: never copied
    report, _ = collect()
    with open_connection(local_machine("dl")) as conn:
        target = os.path.join(conn.workdir(), "scripts")
        assert pipeline.deploy_scripts(conn, scripts, target, report) == 2
        assert sorted(os.listdir(target)) == sorted([".ai_nano_scripts.json", "a.py",
                                                     "requirements.txt"])
        assert pipeline.deploy_scripts(conn, scripts, target, report) == 0
        (scripts / "a.py").write_text("print('b')\n")
        assert pipeline.deploy_scripts(conn, scripts, target, report) == 1
        assert Path(target, "a.py").read_text() == "print('b')\n"
        Path(target, "requirements.txt").unlink()  # removed by hand on the server
        Path(target, ".ai_nano_scripts.json").write_text("{broken")
        assert pipeline.deploy_scripts(conn, scripts, target, report) == 2


def test_a_missing_package_names_the_install_command(tmp_path, local_machine):
    bare = tmp_path / "bare-venv"
    venv.EnvBuilder(with_pip=False).create(bare)
    python = str(bare / "bin" / "python")
    with open_connection(local_machine("dl", python=python)) as conn:
        with pytest.raises(StepError) as caught:
            pipeline.require_modules(conn, ["json", "torch", "onnxruntime"], "/x/requirements.txt")
    assert str(caught.value) == ("torch, onnxruntime missing on this computer: install with "
                                 f"{python} -m pip install -r /x/requirements.txt")
    with open_connection(local_machine("dl")) as conn:  # this interpreter has them all
        pipeline.require_modules(conn, ["json", "torch", "onnxruntime"], "/x/requirements.txt")


def test_job_command_lines_follow_the_dl_server_settings(local_machine):
    settings = TrainingSettings(epochs=7, batch_size=4, resolution=64, pretrained=False,
                                patience=2)
    command = jobs.train_argv("py", "m-1", settings)
    assert command[command.index("py"):] == [
        "py", "ai_nano_scripts/train.py", "--model-dir=models/m-1/model", "models/m-1", "--arch=resnet18",
        "--epochs=7", "--batch-size=4", "--resolution=64", "--patience=2", "--no-pretrained"]
    queued = LocalConnection(local_machine("dl", max_parallel_trainings=2))
    assert jobs._job_start_argv(queued, "models/m-1/job", ["x"], queue=True)[3:] == [
        "--job-dir", "models/m-1/job", "--queue-dir", "queue", "--slots", "2", "--", "x"]
    slurm = LocalConnection(local_machine("dl", scheduler="slurm", partition="gpu", gpus=1,
                                          time="01:00:00"))
    assert jobs._job_start_argv(slurm, "j", ["x"], queue=True)[3:] == [
        "--job-dir", "j", "--scheduler", "slurm", "--partition", "gpu", "--gpus", "1",
        "--time", "01:00:00", "--", "x"]


def test_only_complete_models_are_listed_on_a_nano(local_machine):
    with open_connection(local_machine("nano")) as conn:
        models = Path(conn.workdir(), "models")
        for name, files in {"complete": ["resnet18.onnx", "labels.txt"],
                            "no-labels": ["resnet18.onnx"], "empty": []}.items():
            (models / name).mkdir(parents=True)
            for file in files:
                (models / name / file).write_text("x")
        assert nano_steps.list_nano_models(conn) == ["complete"]
        with pytest.raises(StepError, match="upload it first"):
            nano_steps.inference_argv(conn, "no-labels", "/scripts")


def test_upload_to_a_nano_before_conversion_says_which_step(local_machine):
    report, _ = collect()
    with open_connection(local_machine("dl")) as dl, open_connection(local_machine("nano")) as nano:
        with pytest.raises(StepError, match=r"convert the model to ONNX first \(step 6\)"):
            nano_steps.upload_model_to_nano(dl, nano, "never-trained", "resnet18", report)


def _split_workspace(root: Path) -> tasks.Workspace:
    make_image_folder(root / "images", per_class=12, size=(48, 36))
    workspace = tasks.Workspace(root)
    workspace.split(seed=0)
    return workspace


def test_the_window_reattaches_to_a_training_after_a_restart(qtbot, tmp_path, local_machine):
    """Closing the window leaves the training running; reopening the project follows it."""
    import ai_nano
    dl, nano = local_machine("dl"), local_machine("nano")
    config = tmp_path / "config.json"
    config.write_text(json.dumps({
        "DL_server": {"name": "DL", "ip": "local", "workdir": dl.workdir, "python": sys.executable},
        "jetson_nano": [{"name": "nano1", "ip": "local", "workdir": nano.workdir}],
        "training": {"epochs": 12, "batch_size": 8, "resolution": 32, "pretrained": False,
                     "patience": 0}}))
    workspace = _split_workspace(tmp_path / "ws")
    report, lines = collect()
    connect = open_connection
    name = tasks.upload_dataset_task(connect, dl, workspace, report)

    first = ai_nano.GUI_ai_nano(config, known_hosts=tmp_path / "known_hosts")
    qtbot.addWidget(first)
    first.open_workspace(workspace.root)
    qtbot.waitUntil(first.btn_train_model.isEnabled, timeout=10_000)
    first.btn_train_model.click()
    qtbot.waitUntil(lambda: first.training_panel.epochs_done() >= 1, timeout=120_000)
    first.close()
    qtbot.waitUntil(lambda: "The job goes on on DL" in first.txt_log.toPlainText(), timeout=5000)
    with open_connection(dl) as conn:
        assert jobs.training_state(conn, name).get("state") in {"running", "waiting"}

    second = ai_nano.GUI_ai_nano(config, known_hosts=tmp_path / "known_hosts")
    qtbot.addWidget(second)
    second.open_workspace(workspace.root)
    qtbot.waitUntil(lambda: "End training model" in second.txt_log.toPlainText(),
                    timeout=300_000)
    log = second.txt_log.toPlainText()
    assert f"Re-attaching to the training of {name}" in log
    assert second.training_panel.epochs_done() == 12  # the whole log replayed, no double
    assert "ERROR" not in log
    second.close()


def test_trainings_queue_on_one_server_and_a_waiting_one_can_be_cancelled(tmp_path,
                                                                         local_machine):
    """Two students, one GPU slot: the second waits, says so, and can be cancelled."""
    dl = local_machine("dl", max_parallel_trainings=1)
    settings = TrainingSettings(epochs=3, batch_size=8, resolution=32, pretrained=False,
                                patience=0)
    names = []
    for student in ("anna", "ben"):
        workspace = _split_workspace(tmp_path / student)
        names.append(tasks.upload_dataset_task(open_connection, dl, workspace, collect()[0]))
    assert names[0] != names[1]
    first, first_lines = collect()
    second, second_lines = collect()
    results: dict[str, object] = {}

    def train(key: str, name: str, report: Report) -> None:
        try:
            jobs.train_model(open_connection, dl, name, settings, report)
            results[key] = "done"
        except StepError as error:
            results[key] = str(error)
    running = threading.Thread(target=train, args=("first", names[0], first))
    running.start()
    deadline = time.monotonic() + 60
    while "job running" not in first_lines and time.monotonic() < deadline:
        time.sleep(0.1)
    waiting = threading.Thread(target=train, args=("second", names[1], second))
    waiting.start()
    # "0 ahead": no one else waits before it, the one slot is taken by the first
    while "waiting for the GPU (0 ahead)" not in second_lines:
        assert time.monotonic() < deadline, (first_lines, second_lines)
        time.sleep(0.1)
    assert "job running" not in second_lines
    second.stop.set()  # the student presses Stop while waiting
    waiting.join(60)
    running.join(300)
    assert results == {"first": "done", "second": "Training stopped"}
    with open_connection(dl) as conn:
        assert jobs.training_state(conn, names[1])["state"] == "cancelled"
        assert jobs.training_state(conn, names[0])["state"] == "finished"
    assert not subprocess.run(["pgrep", "-f", f"models/{names[1]}"],
                              capture_output=True).stdout


def test_the_split_warns_before_and_asks(qtbot, tmp_path, monkeypatch):
    """A class too small for val/test: the student is asked before anything is split."""
    import ai_nano
    root = tmp_path / "ws"
    make_image_folder(root / "images", {"blue": (200, 60, 30)}, per_class=12, size=(32, 24))
    make_image_folder(root / "images", {"red": (30, 40, 210)}, per_class=2, size=(32, 24))
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"DL_server": {"name": "DL", "ip": "local"}, "jetson_nano": []}))
    window = ai_nano.GUI_ai_nano(config, known_hosts=tmp_path / "known_hosts")
    qtbot.addWidget(window)
    window.open_workspace(root)
    qtbot.waitUntil(window.btn_split_image.isEnabled, timeout=10_000)
    asked: list[list[str]] = []
    answers = iter([False, True])
    monkeypatch.setattr(window, "confirm_split", lambda warnings: (asked.append(warnings),
                                                                    next(answers))[1])
    window.btn_split_image.click()
    qtbot.waitUntil(lambda: len(asked) == 1 and window.btn_split_image.isEnabled(), timeout=10_000)
    assert any("red" in warning for warning in asked[0])
    assert not (root / "labels.txt").exists() and not (root / "train").exists()
    assert "Split cancelled" in window.lbl_status.text()
    window.btn_split_image.click()
    qtbot.waitUntil(lambda: (root / "labels.txt").exists() and window.btn_upload_to_dl.isEnabled(),
                    timeout=10_000)
    assert "Warning:" in window.txt_log.toPlainText()
    window.close()


def test_a_failed_conversion_quotes_the_scripts_reason(tmp_path, local_machine):
    """Converting a model never trained: the step says why, not only an exit status."""
    dl = local_machine("dl")
    name = tasks.upload_dataset_task(open_connection, dl, _split_workspace(tmp_path / "ws"),
                                       collect()[0])
    report, lines = collect()
    with pytest.raises(StepError) as caught:
        jobs.convert_to_onnx(open_connection, dl, name, report)
    message = str(caught.value)
    assert message.startswith("Conversion to ONNX failed: ")
    reason = [line for line in lines if line.startswith("error:") and "job failed" not in line]
    assert reason and message.endswith(reason[-1][len("error:"):].strip())
    assert "exit status" not in message
