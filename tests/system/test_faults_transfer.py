"""Faults during the long steps (issue 6): uploads, trainings and inferences that lose
their server, their connection or their disk, against real OpenSSH servers.

The steps are called as the window's workers call them (`pipeline`, `project`), with a
`Report` that records every line.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import threading
import time
import uuid
from pathlib import Path

import pytest

from core import jobs, nano_steps, pipeline
from core import tasks
from core.config import TrainingSettings
from core.machines import ConnectionLost, MachineError, open_connection
from core.pipeline import Report, StepError
from tests.media import CLASS_COLOURS, make_image_folder, make_video
from tests.sshd import chown_tree, user_processes
from tests.remote.test_nano_scripts import build_colour_model
from core.workspace import Workspace
from tests.paths import REPO

ROOT = REPO
UNPACK = ROOT / "dl_scripts" / "unpack.py"
FAKES = ROOT / "tests" / "fake_jetson"
TINY = TrainingSettings(epochs=4, batch_size=8, resolution=32, pretrained=False, patience=0)


def split_workspace(root: Path, per_class: int = 10, size=(48, 36)) -> Workspace:
    make_image_folder(root / "images", per_class=per_class, size=size)
    workspace = Workspace(root)
    workspace.split(seed=0)
    return workspace


def image_hashes(workspace: Workspace) -> dict[str, str]:
    return {str(p.relative_to(workspace.root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(workspace.images_dir.rglob("*")) if p.is_file()}


def event_of(line: str) -> dict:
    """The JSON object of an `@ai_nano {...}` line (the scripts' contract), else {}."""
    if not line.startswith("@ai_nano "):
        return {}
    try:
        return json.loads(line[len("@ai_nano "):])
    except ValueError:
        return {}


def recording_report() -> tuple[Report, list[str]]:
    lines: list[str] = []
    return Report(line=lines.append), lines


def connector(known_hosts: Path):
    return functools.partial(open_connection, known_hosts=known_hosts, timeout=5.0)


def trusted(server, tmp_path: Path) -> Path:
    known_hosts = tmp_path / "known_hosts"
    server.trust(known_hosts)
    return known_hosts


# --- server killed during an upload ----------------------------------------------------------

def test_server_killed_mid_upload_then_retry_completes(fresh_sshd, make_machine, tmp_path,
                                                       remote_workdir):
    workspace = split_workspace(tmp_path / "ws", per_class=24, size=(96, 72))
    before = image_hashes(workspace)
    machine = make_machine(fresh_sshd)
    model = "killed-upload"
    base = remote_workdir / "dl" / "models" / model
    archive_done = threading.Event()
    stopped: list[int] = []

    def on_line(text: str) -> None:
        if text.startswith("Archive done"):
            archive_done.set()

    def on_progress(done: int, total: int) -> None:
        # The first chunks of the SFTP upload are out: the server dies.
        if archive_done.is_set() and done > 0 and not stopped:
            stopped.append(done)
            fresh_sshd.stop()
    report = Report(line=on_line, progress=on_progress)
    with open_connection(machine, known_hosts=trusted(fresh_sshd, tmp_path)) as conn:
        with pytest.raises(MachineError, match="lost|closed") as caught:
            pipeline.upload_dataset(workspace, model, conn, report)
    assert stopped, "the upload never started"
    assert "Traceback" not in str(caught.value)
    assert not (base / "data.tar").exists(), "a partial archive was put in place"
    assert not (base / "train").exists(), "a partial archive was unpacked"
    assert image_hashes(workspace) == before
    assert not list((workspace.root / ".ai_nano").glob("upload-*")), "laptop archive left over"

    fresh_sshd.start()  # the server is back: the same step again uploads everything
    report, lines = recording_report()
    with open_connection(machine, known_hosts=tmp_path / "known_hosts") as conn:
        pipeline.upload_dataset(workspace, model, conn, report)
    assert "End : data (tar archive) uploaded and extracted to DL machine" in lines
    uploaded = sorted(str(p.relative_to(base)) for p in base.rglob("*.jpg"))
    local = sorted(str(p.relative_to(workspace.root)) for part in ("train", "val", "test")
                   for p in (workspace.root / part).rglob("*.jpg"))
    assert uploaded == local
    assert sorted(p.name for p in base.iterdir()) == ["labels.txt", "test", "train", "val"]
    assert image_hashes(workspace) == before


def _tar(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, __import__("io").BytesIO(data))
    return path


@pytest.mark.parametrize("damage", ["truncated", "corrupt", "escape"])
def test_unpack_never_uses_a_damaged_archive(damage, tmp_path):
    """A truncated or altered upload, or a member pointing outside: refused, nothing
    extracted, the dataset of the earlier upload kept."""
    dest = tmp_path / "models" / "m"
    (dest / "train" / "red").mkdir(parents=True)
    (dest / "train" / "red" / "00001.jpg").write_bytes(b"earlier")
    members = {"labels.txt": b"red\n", "train/red/00001.jpg": os.urandom(20_000)}
    if damage == "escape":
        members["../../outside.txt"] = b"x"
    archive = _tar(tmp_path / "data.tar", members)
    data = archive.read_bytes()
    sha, size = hashlib.sha256(data).hexdigest(), len(data)
    if damage == "truncated":
        archive.write_bytes(data[: size // 2])
    elif damage == "corrupt":
        archive.write_bytes(data[:600] + bytes([data[600] ^ 0xFF]) + data[601:])
    result = subprocess.run([sys.executable, str(UNPACK), str(archive), str(dest),
                             "--sha256", sha, "--size", str(size)],
                            capture_output=True, text=True, timeout=60)
    last = result.stdout.strip().splitlines()[-1]
    assert result.returncode != 0 and last.startswith("error: "), result.stdout
    assert {"truncated": "incomplete", "corrupt": "corrupt",
            "escape": "outside"}[damage] in last
    assert "Traceback" not in result.stderr
    assert (dest / "train" / "red" / "00001.jpg").read_bytes() == b"earlier"
    assert not (dest / "labels.txt").exists() and not (tmp_path / "outside.txt").exists()


# --- disk full on the DL server --------------------------------------------------------------

def mount_tmpfs(folder: Path, size: str, user) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o",
                              f"size={size},uid={user.uid},gid={user.gid},mode=0755",
                              "tmpfs", str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs (needs root): {mounted.stderr.strip()}")


@pytest.fixture
def small_disk(remote_workdir, test_user):
    """Returns a mounter; everything it mounted is unmounted after the test."""
    mounted: list[Path] = []

    def mount(folder: Path, size: str) -> Path:
        mount_tmpfs(folder, size, test_user)
        mounted.append(folder)
        return folder
    yield mount
    for folder in reversed(mounted):
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_full_disk_during_upload_is_named_and_loses_nothing(sshd_server, make_machine,
                                                            known_hosts, small_disk,
                                                            remote_workdir, tmp_path):
    workdir = small_disk(remote_workdir / "dl", "3m")
    workspace = split_workspace(tmp_path / "ws")
    before = image_hashes(workspace)
    report, lines = recording_report()
    with pytest.raises(StepError, match="Not enough disk space on dl-") as caught:
        tasks.upload_dataset_task(connector(known_hosts), make_machine(sshd_server),
                                    workspace, report)
    assert "MB free" in str(caught.value)
    assert image_hashes(workspace) == before
    assert (workspace.root / "labels.txt").is_file()
    assert workspace.read_state() == {}, "a failed upload must not become the current model"
    assert not list(workdir.rglob("data.tar*")), "no partial archive left on the server"


def test_full_disk_during_training_is_named(sshd_server, make_machine, known_hosts, small_disk,
                                            remote_workdir, tmp_path):
    workspace = split_workspace(tmp_path / "ws")
    before = image_hashes(workspace)
    machine = make_machine(sshd_server)
    connect = connector(known_hosts)
    report, lines = recording_report()
    model = tasks.upload_dataset_task(connect, machine, workspace, report)
    # The checkpoints go to models/NAME/model: a 2 MB disk there cannot hold ResNet-18.
    small_disk(remote_workdir / "dl" / "models" / model / "model", "2m")
    report, lines = recording_report()
    with pytest.raises(StepError) as caught:
        jobs.train_model(connect, machine, model, TINY, report)
    message = str(caught.value)
    assert "no space left" in message.lower(), (message, lines[-8:])
    assert "Traceback" not in "\n".join(lines)
    assert image_hashes(workspace) == before


# --- connection lost during training ----------------------------------------------------------

def test_training_goes_on_and_the_app_reattaches_after_a_dropped_link(fresh_sshd, make_machine,
                                                                      tmp_path, remote_workdir):
    workspace = split_workspace(tmp_path / "ws")
    machine = make_machine(fresh_sshd)
    connect = connector(trusted(fresh_sshd, tmp_path))
    report, lines = recording_report()
    model = tasks.upload_dataset_task(connect, machine, workspace, report)
    epochs_seen: list[int] = []
    dropped: list[int] = []
    lines: list[str] = []

    def on_line(text: str) -> None:
        lines.append(text)
        event = event_of(text)
        if event.get("event") == "epoch":
            epochs_seen.append(event["epoch"])
            if not dropped:  # the Wi-Fi goes away after the first epoch
                dropped.append(fresh_sshd.drop_connections())
    jobs.train_model(connect, machine, model, TINY, Report(line=on_line))
    assert dropped and dropped[0] >= 1, "no connection was dropped"
    assert any("lost" in line and "re-attaching" in line for line in lines), lines
    assert lines[-1] == "End training model"
    assert epochs_seen == list(range(1, TINY.epochs + 1)), epochs_seen  # the rest, once
    ends = [event_of(line) for line in lines if event_of(line).get("event") == "end"]
    assert len(ends) == 1 and ends[0]["epochs_run"] == TINY.epochs
    metrics = remote_workdir / "dl" / "models" / model / "model" / "metrics.jsonl"
    assert len(metrics.read_text().splitlines()) == TINY.epochs  # trained on the server


# --- connection lost during inference ---------------------------------------------------------

def test_inference_stops_and_leds_go_off_when_the_link_drops(fresh_sshd, make_machine, tmp_path,
                                                             remote_workdir, test_user):
    nano_dir = remote_workdir / "nano"
    model = f"drop-{uuid.uuid4().hex[:10]}"
    model_dir = nano_dir / "models" / model
    model_dir.mkdir(parents=True)
    build_colour_model(model_dir / "resnet18.onnx")
    (model_dir / "labels.txt").write_text("blue\nred\nyellow\n")
    video = make_video(nano_dir / "red.avi", CLASS_COLOURS["red"], frames=3000, size=(64, 48))
    gpio_log = nano_dir / "gpio.jsonl"
    # The Nano's Python sees a stand-in Jetson.GPIO that records every call.
    python = nano_dir / "nano-python"
    python.write_text(f"#!/bin/sh\nPYTHONPATH={FAKES / 'gpio'}:{FAKES} "
                      f"FAKE_JETSON_LOG={gpio_log} exec {sys.executable} \"$@\"\n")
    python.chmod(0o755)
    chown_tree(nano_dir, test_user)
    machine = make_machine(fresh_sshd, role="nano", camera=str(video), python=str(python))
    lines: list[str] = []
    dropped: list[int] = []

    def on_line(text: str) -> None:
        lines.append(text)
        if text.startswith("image is recognized as") and not dropped:
            dropped.append(fresh_sshd.drop_connections())
    with open_connection(machine, known_hosts=trusted(fresh_sshd, tmp_path)) as conn:
        with pytest.raises(ConnectionLost):
            nano_steps.run_inference(conn, model, Report(line=on_line))
    assert dropped, lines[-10:]
    deadline = time.monotonic() + 10
    while user_processes(test_user, model) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert user_processes(test_user, model) == [], "the script was left running on the Nano"
    calls = [json.loads(line) for line in gpio_log.read_text().splitlines()]
    outputs = [c for c in calls if c["call"] == "GPIO.output"]
    assert {"call": "GPIO.output", "lib": "Jetson.GPIO", "pin": 16, "value": 1} in outputs
    assert all(c["value"] == 0 for c in outputs[-3:]), outputs[-3:]  # every LED off at the end
    assert calls[-1]["call"] == "GPIO.cleanup"
