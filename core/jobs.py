"""Steps 5 and 6: training and conversion run as detached jobs on the DL server.

A job survives the laptop's sleep and a dropped link: `job.py` starts it detached (or
queues it, or submits it to Slurm) and the window follows its log, re-attaching after a
restart. Stop cancels the job; closing the window only detaches from it.
"""
from __future__ import annotations

import json
import logging
import posixpath
import time

from core.config import MachineConfig, TrainingSettings
from core.machines import Connection, ConnectionLost, MachineError, RemoteCommandFailed
from core.messages import QT_TRANSLATE_NOOP, text_of
from core.pipeline import (DL_SCRIPTS, DL_SCRIPTS_DIR, Connector, Report, StepError,
                           check_model_name, deploy_scripts, dl_script, exit_status, keeping_tail,
                           last_error, python_of, require_modules)
from core.protocol import parse_event

log = logging.getLogger(__name__)


def _job_start_argv(conn: Connection, job_dir: str, command: list[str],
                    queue: bool) -> list[str]:
    machine = conn.machine
    argv = [python_of(conn), dl_script("job.py"), "start", "--job-dir", job_dir]
    if machine.scheduler == "slurm":
        argv += ["--scheduler", "slurm"]
        for key in ("partition", "gpus", "time", "account"):
            value = getattr(machine, key, "")
            if value:
                argv += [f"--{key}", str(value)]
    elif queue:
        argv += ["--queue-dir", "queue", "--slots", str(machine.max_parallel_trainings or 0)]
    return argv + ["--"] + command


def describe_job(state: dict) -> str | None:
    """A line for the log about a job's state change (job.py's `job` event)."""
    ahead = state.get("ahead", 0)
    reason = str(state.get("reason", "") or "").rstrip(": ")
    texts = {   # (without a reason, with one)
        "waiting": (QT_TRANSLATE_NOOP("core", "waiting for the GPU ({ahead} ahead)"),) * 2,
        "pending": (QT_TRANSLATE_NOOP("core", "pending in the cluster's queue ({ahead} ahead)"),
                    QT_TRANSLATE_NOOP("core", "pending in the cluster's queue ({ahead} ahead): "
                                      "{reason}")),
        "running": (QT_TRANSLATE_NOOP("core", "job running"),) * 2,
        "cancelled": (QT_TRANSLATE_NOOP("core", "job cancelled"),
                      QT_TRANSLATE_NOOP("core", "job cancelled: {reason}")),
        "failed": (QT_TRANSLATE_NOOP("core", "job failed"),
                   QT_TRANSLATE_NOOP("core", "job failed: {reason}")),
    }
    pair = texts.get(str(state.get("state", "")))
    if pair is None:
        return None
    return pair[1 if reason else 0].format(ahead=ahead, reason=reason)


def follow_job(connect: Connector, machine: MachineConfig, job_dir: str, report: Report,
               from_line: int = 0,
               retry_for: float = 600.0) -> int:
    """Stream a detached job's log until it ends; re-attach after a dropped link.

    The job runs on the server whatever happens to this laptop; only the follower is
    lost with the connection, and a new one resumes at the first line not yet shown.
    """
    shown = from_line
    deadline = None
    while True:
        def on_line(text: str) -> None:
            nonlocal shown
            event = parse_event(text)
            report.line(text)
            if event is not None and event.name == "job":
                # job.py's own events say how far into the log it has printed
                shown = max(shown, int(event.data.get("line", shown)))
                described = describe_job(event.data)
                if described:
                    report.line(described)
            else:
                shown += 1
        try:
            with connect(machine) as conn:
                deadline = None
                argv = [python_of(conn), dl_script("job.py"), "follow", "--job-dir", job_dir,
                        "--from-line", str(shown)]
                rc = conn.run(argv, cwd=conn.workdir(), on_line=on_line, stop=report.stop)
                if report.detached.is_set():
                    report.line(QT_TRANSLATE_NOOP("core", "The job goes on on {machine}; reopen the "
                                                  "project to follow it again.").format(
                        machine=machine.name))
                elif report.stop.is_set():
                    conn.run([python_of(conn), dl_script("job.py"), "stop", "--job-dir", job_dir],
                             cwd=conn.workdir(), on_line=report.line)
                return rc
        except (ConnectionLost, MachineError) as error:
            if report.stop.is_set():
                raise StepError(QT_TRANSLATE_NOOP("core", "Stopped")) from error
            if isinstance(error, MachineError) and not isinstance(error, ConnectionLost) \
                    and deadline is None and shown == from_line:
                raise
            deadline = deadline or time.monotonic() + retry_for
            if time.monotonic() > deadline:
                raise StepError(QT_TRANSLATE_NOOP("core", "Lost the connection to {machine} and could "
                                                  "not re-attach: {reason}").format(
                    machine=machine.name, reason=text_of(error))) from error
            report.line(QT_TRANSLATE_NOOP("core", "Connection to {machine} lost ({reason}); the job "
                                          "goes on there, re-attaching…").format(
                machine=machine.name, reason=text_of(error)))
            report.stop.wait(3.0)


def _run_job(connect: Connector, machine: MachineConfig, job_dir: str, command: list[str],
             report: Report, queue: bool) -> int:
    with connect(machine) as conn:
        scripts = posixpath.join(conn.workdir(), DL_SCRIPTS_DIR)
        deploy_scripts(conn, DL_SCRIPTS, scripts, report)
        if machine.scheduler != "slurm":  # on a cluster the login node may lack torch
            require_modules(conn, ["torch", "torchvision", "onnx", "onnxruntime"],
                            posixpath.join(scripts, "requirements.txt"))
        lines: list[str] = []
        rc = conn.run(_job_start_argv(conn, job_dir, command, queue), cwd=conn.workdir(),
                      on_line=keeping_tail(report, lines).line)
        if rc != 0:
            raise StepError(last_error(lines, QT_TRANSLATE_NOOP(
                "core", "could not start the job (exit status {rc})").format(rc=rc)))
    return follow_job(connect, machine, job_dir, report)


def train_argv(python: str, model_name: str, settings: TrainingSettings) -> list[str]:
    base = posixpath.join("models", model_name)
    argv = ["nice", "-n", "10", python, dl_script("train.py"), f"--model-dir={base}/model", base,
            f"--arch={settings.arch}", f"--epochs={settings.epochs}",
            f"--batch-size={settings.batch_size}", f"--resolution={settings.resolution}",
            f"--patience={settings.patience}"]
    argv.append("--pretrained" if settings.pretrained else "--no-pretrained")
    if settings.mode != "auto":  # train.py's default is auto: it knows whether a GPU is there
        argv.append(f"--mode={settings.mode}")
    return argv


def train_model(connect: Connector, machine: MachineConfig, model_name: str,
                settings: TrainingSettings, report: Report) -> None:
    """Step 5: train.py as a detached, queued job on the DL server."""
    check_model_name(model_name)
    report.line("Begin training model")
    job_dir = posixpath.join("models", model_name, "job")
    lines: list[str] = []
    rc = _run_job(connect, machine, job_dir,
                  train_argv(machine.python, model_name, settings),
                  keeping_tail(report, lines), queue=True)
    if report.stop.is_set():
        raise StepError(QT_TRANSLATE_NOOP("core", "Training stopped"))
    if rc != 0:
        raise StepError(QT_TRANSLATE_NOOP("core", "Training failed: {reason}").format(
            reason=last_error(lines, exit_status(rc))))
    report.line("End training model")


def attach_training(connect: Connector, machine: MachineConfig, model_name: str,
                    report: Report) -> None:
    """Re-attach to a training started earlier (after a restart of the app)."""
    check_model_name(model_name)
    job_dir = posixpath.join("models", model_name, "job")
    report.line(QT_TRANSLATE_NOOP("core", "Re-attaching to the training of {model}").format(
        model=model_name))
    lines: list[str] = []
    rc = follow_job(connect, machine, job_dir, keeping_tail(report, lines))
    if rc != 0:
        raise StepError(QT_TRANSLATE_NOOP("core", "Training failed: {reason}").format(
            reason=last_error(lines, exit_status(rc))))
    report.line("End training model")


def training_state(conn: Connection, model_name: str) -> dict:
    """job.py's status of a model's training ({} when it never started)."""
    check_model_name(model_name)
    job_dir = posixpath.join("models", model_name, "job")
    if not conn.exists(posixpath.join(conn.workdir(), job_dir)):
        return {}
    try:
        text = conn.output([python_of(conn), dl_script("job.py"), "status", "--job-dir", job_dir],
                           cwd=conn.workdir())
        return json.loads(text.strip().splitlines()[-1])
    except (RemoteCommandFailed, ValueError, IndexError):
        return {}


def convert_to_onnx(connect: Connector, machine: MachineConfig, model_name: str,
                    report: Report) -> None:
    """Step 6: export to ONNX, then evaluate on test/ with the Nano's preprocessing."""
    check_model_name(model_name)
    report.line("Begin conversion to ONNX.")
    base = posixpath.join("models", model_name)
    lines: list[str] = []
    command = [machine.python, dl_script("onnx_export.py"), f"--model-dir={base}/model"]
    rc = _run_job(connect, machine, posixpath.join(base, "export_job"), command,
                  keeping_tail(report, lines), queue=False)
    if rc != 0 or report.stop.is_set():
        raise StepError(QT_TRANSLATE_NOOP("core", "Conversion to ONNX failed: {reason}").format(
            reason=last_error(lines, exit_status(rc))))
    report.line("End conversion to ONNX file")
    report.line("Begin evaluation on the test images")
    command = [machine.python, dl_script("evaluate.py"), f"--model-dir={base}/model", base]
    rc = _run_job(connect, machine, posixpath.join(base, "eval_job"), command,
                  keeping_tail(report, lines), queue=False)
    if rc != 0:
        raise StepError(QT_TRANSLATE_NOOP("core", "Evaluation failed: {reason}").format(
            reason=last_error(lines, exit_status(rc))))
    report.line("End evaluation on the test images")
