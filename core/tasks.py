"""The window's tasks: each one opens the connections it needs and runs pipeline steps.

Every function here runs in a worker thread (`thread_command.CommandWorker`) and takes
data only: machine configs, a connector, a workspace, names. Each returns what the
window needs to draw next. The remembered model name lives in the workspace's
state (`.ai_nano/project.json`), so a reopened project carries on where it stopped.
"""
from __future__ import annotations

import logging
import os
import queue
from dataclasses import dataclass, field
from pathlib import Path

from core import camera, checks, importing, jobs, layouts, nano_steps, pipeline
from core.config import Config, MachineConfig
from core.machines import UnknownHostKey, remember_host_key
from core.messages import QT_TRANSLATE_NOOP, text_of
from core.pipeline import Connector, Report, StepError
from core.split import orphans_warning
from core.workspace import Workspace, WorkspaceError

log = logging.getLogger(__name__)

__all__ = ["Workspace", "WorkspaceInfo"]


@dataclass
class WorkspaceInfo:
    """What the window shows of a working space it (re)opens."""

    workspace: Workspace
    classes: dict[str, int] = field(default_factory=dict)
    split_done: bool = False
    model_name: str = ""
    found: layouts.Found | None = None     # pictures outside images/ to offer to adopt


def open_workspace_task(folder: Path, report: Report) -> WorkspaceInfo:
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise StepError(QT_TRANSLATE_NOOP("core", "{folder} is not a folder").format(folder=folder))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StepError(QT_TRANSLATE_NOOP("core", "Cannot use {folder} as working space: {reason}").format(
            folder=folder, reason=error.strerror)) from error
    if not os.access(folder, os.W_OK):
        raise StepError(QT_TRANSLATE_NOOP("core", "{folder} is not writable: choose another working "
                                           "space").format(folder=folder))
    workspace = Workspace(folder)
    info = workspace.project_info()
    found = layouts.find_pictures(workspace)
    return WorkspaceInfo(workspace, dict(info.classes), info.split_done,
                         workspace.read_state().get("model", ""),
                         found if found.pictures else None)


def adopt_task(workspace: Workspace, found: layouts.Found, report: Report) -> WorkspaceInfo:
    """Bring the pictures found outside images/ in, then reopen the working space."""
    try:
        count = layouts.adopt(workspace, found, on_progress=report.progress, stop=report.stop)
    except WorkspaceError as error:
        raise StepError(text_of(error)) from error
    report.line(QT_TRANSLATE_NOOP("core", "Brought {count} picture(s) into {folder} (originals left in "
                                  "place)").format(count=count, folder=workspace.images_dir))
    return open_workspace_task(workspace.root, report)


def import_task(workspace: Workspace, class_name: str, paths: list, rate: float,
                report: Report) -> importing.ImportResult:
    """Import pictures/folders/videos into a class (the class form's Import and drop)."""
    try:
        return importing.import_files(workspace, class_name, paths, rate=rate,
                                      on_progress=report.progress, stop=report.stop)
    except WorkspaceError as error:
        raise StepError(text_of(error)) from error


def split_warnings_task(workspace: Workspace, report: Report) -> list[str]:
    """What is wrong with the dataset before a split (counted off the GUI thread)."""
    return workspace.split_warnings() + orphans_warning(workspace)


def split_task(workspace: Workspace, report: Report) -> None:
    try:
        result = workspace.split(seed=0)
    except WorkspaceError as error:
        raise StepError(text_of(error)) from error
    report.line(split_summary(result.counts))
    report.line(QT_TRANSLATE_NOOP("core", "Images split to train, val and test directories"))


def split_summary(counts: dict[str, dict[str, int]]) -> str:
    """One line a student can check: "train: red 16, blue 15 · val: red 2, blue 2 · …"."""
    return " · ".join(f"{part}: " + ", ".join(f"{name} {number}" for name, number in classes.items())
                      for part, classes in counts.items())


def upload_dataset_task(connect: Connector, dl: MachineConfig, workspace: Workspace,
                        report: Report) -> str:
    if not (workspace.root / "labels.txt").is_file():
        raise StepError(QT_TRANSLATE_NOOP("core", "Split the images first (step 3)"))
    with connect(dl) as conn:
        model_name = pipeline.reserve_model_name(conn, workspace.root)
        pipeline.upload_dataset(workspace, model_name, conn, report)
    workspace.write_state({**workspace.read_state(), "model": model_name,
                           "dl_server": dl.name})
    return model_name


def resume_training_task(connect: Connector, dl: MachineConfig, model_name: str,
                         report: Report) -> str:
    """Re-attach to a training of this project still running (or waiting) on the server."""
    with connect(dl) as conn:
        state = jobs.training_state(conn, model_name)
    if state.get("state") in {"waiting", "pending", "running"}:
        jobs.attach_training(connect, dl, model_name, report)
        return "attached"
    return state.get("state", "")


def upload_model_task(connect: Connector, dl: MachineConfig, nano: MachineConfig,
                      model_name: str, arch: str, report: Report) -> None:
    with connect(dl) as dl_conn, connect(nano) as nano_conn:
        nano_steps.upload_model_to_nano(dl_conn, nano_conn, model_name, arch, report)


def inference_task(connect: Connector, nano: MachineConfig, model_name: str,
                   report: Report, take_over: bool = False,
                   owner: dict | None = None, requests: "queue.Queue[str] | None" = None,
                   on_frame: nano_steps.FrameCallback | None = None
                   ) -> int | nano_steps.NanoInUse:
    """Step 8; a Nano in use by another laptop is a result (NanoInUse), not a failure:
    the window asks whether to take it over and, if so, runs this again with take_over.
    `requests` go to the script's stdin ("snapshot"), `on_frame` gets its camera frames
    (in this worker's thread)."""
    with connect(nano) as conn:
        try:
            return nano_steps.run_inference(conn, model_name, report, owner=owner,
                                            take_over=take_over, requests=requests,
                                            on_frame=on_frame)
        except nano_steps.NanoInUse as busy:
            report.line(text_of(busy))
            return busy


def switch_off_leds_task(connect: Connector, nanos: list, report: Report) -> None:
    """switch_off_led.py on every Nano that ran inference (the window's close, in the
    background): a Nano that does not answer is logged and skipped."""
    for nano in nanos:
        try:
            with connect(nano) as conn:
                nano_steps.switch_off_leds(conn, report)
        except Exception as error:   # the window is closing: nobody to tell but the log
            log.warning("could not switch the LEDs off on %s: %s", nano.name, error)


def list_models_task(connect: Connector, nano: MachineConfig, report: Report) -> list[str]:
    with connect(nano) as conn:
        return nano_steps.list_nano_models(conn)


def list_cameras_task(report: Report) -> list:
    """The cameras of this computer (reads /dev and /sys: kept off the GUI thread)."""
    return camera.list_cameras()


def remember_host_key_task(known_hosts: Path, error: UnknownHostKey, report: Report) -> None:
    remember_host_key(known_hosts, error)


def check_machines_task(config: Config, known_hosts: Path, report: Report) -> list:
    return checks.check_machines(config, known_hosts=known_hosts)
