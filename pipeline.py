"""The steps of ai_nano after the recording, as plain functions.

Each step takes the machines it works on (a `Connection` for each, local or SSH: the same
code path), names and paths, and a `Report` through which it streams lines and progress
and learns that the user pressed Stop. Nothing here imports Qt: `thread_command.py` runs
these functions in worker threads, and the tests call them directly.
"""
from __future__ import annotations

import hashlib
import json
import logging
import posixpath
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from config import MachineConfig, TrainingSettings
from machines import Connection, ConnectionLost, MachineError, RemoteCommandFailed
from output_parsing import EVENT_MARKER, parse_event

log = logging.getLogger(__name__)

APP_DIR = Path(__file__).resolve().parent
DL_SCRIPTS = APP_DIR / "dl_scripts"
NANO_SCRIPTS = APP_DIR / "nano_scripts"
MANIFEST = ".ai_nano_scripts.json"

Connector = Callable[[MachineConfig], Connection]


class StepError(Exception):
    """A step could not be done; the message is meant for the student."""


@dataclass
class Report:
    """How a step talks back: lines, progress, and the user's Stop.

    `stop` ends whatever the step is waiting on. When `detached` is set too, the window
    is only going away: a detached job on the DL server is left running (a reopened
    project re-attaches to it) instead of being cancelled.
    """

    line: Callable[[str], None] = lambda text: None
    progress: Callable[[int, int], None] = lambda done, total: None
    stop: threading.Event = field(default_factory=threading.Event)
    detached: threading.Event = field(default_factory=threading.Event)


# --- script deployment -------------------------------------------------------------

def _local_manifest(folder: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file() and path.suffix in {".py", ".txt", ".md"}
    }


def deploy_scripts(conn: Connection, folder: Path, remote_dir: str, report: Report) -> int:
    """Copy `folder` into `remote_dir` when missing or changed; return files copied.

    A manifest of SHA-256 sums sits beside the scripts, so an unchanged folder costs one
    small read, and a changed or half-copied one is copied again.
    """
    wanted = _local_manifest(folder)
    manifest_path = posixpath.join(remote_dir, MANIFEST)
    try:
        present = json.loads(conn.read_text(manifest_path)) if conn.exists(manifest_path) else {}
    except ValueError:
        present = {}
    changed = [name for name, digest in wanted.items() if present.get(name) != digest]
    if not changed:
        return 0
    report.line(f"Installing {len(changed)} script(s) of {folder.name} into {remote_dir}")
    conn.makedirs(remote_dir)
    for name in changed:
        conn.put_file(folder / name, posixpath.join(remote_dir, name))
    conn.write_text(manifest_path, json.dumps(wanted, indent=1, sort_keys=True))
    return len(changed)


def python_of(conn: Connection) -> str:
    """The interpreter to run scripts with there (config.py fills in the default)."""
    return conn.machine.python


def missing_modules(conn: Connection, modules: list[str]) -> list[str]:
    """The modules of `modules` that the machine's Python cannot find."""
    probe = ("import importlib.util, sys\n"
             "def found(name):\n"
             "    try:\n"
             "        return importlib.util.find_spec(name) is not None\n"
             "    except ImportError:\n"
             "        return False\n"
             "print(' '.join(m for m in sys.argv[1:] if not found(m)))")
    python = python_of(conn)
    try:
        return conn.output([python, "-c", probe, *modules], timeout=60).split()
    except RemoteCommandFailed as error:
        raise StepError(f"{python} does not run on {conn.machine.name}: {error}") from error


def require_modules(conn: Connection, modules: list[str], requirements: str) -> None:
    """Fail early, with the exact install command, when a step's packages are missing.

    `requirements` is the requirements file's path on that machine (the deployed
    scripts folder holds one), so the command can be pasted there as it is.
    """
    missing = missing_modules(conn, modules)
    if missing:
        where = "this computer" if conn.machine.is_local else conn.machine.name
        raise StepError(f"{', '.join(missing)} missing on {where}: install with "
                        f"{python_of(conn)} -m pip install -r {requirements}")


def _last_error(lines: list[str], default: str) -> str:
    """The reason the command gave (its last `error:` line). job.py's closing
    `error: job failed: ...` only repeats the exit status, so the command's own line wins."""
    errors = [text[len("error:"):].strip() for text in lines if text.startswith("error:")]
    own = [text for text in errors if not text.startswith("job failed")]
    return (own or errors or [default])[-1]


def _keeping_tail(report: Report, lines: list[str], keep: int = 50) -> Report:
    """The same report, also keeping its last lines (to quote the reason of a failure)."""
    def line(text: str) -> None:
        lines.append(text)
        del lines[:-keep]
        report.line(text)
    return Report(line=line, progress=report.progress, stop=report.stop,
                  detached=report.detached)


def check_model_name(name: str) -> str:
    """Refuse a model name that is not one plain folder name under models/.

    Names come from suggest_model_name, but also from the Nano's folder list and the
    editable model box: "../x" or "a/b" would read or write outside the workdir.
    """
    if not isinstance(name, str) or not name.strip():
        raise StepError("The model name is empty: upload the data first (step 4)")
    if "/" in name or "\\" in name or name in (".", "..") or name.startswith("."):
        raise StepError(f"The model name {name!r} is not a plain folder name "
                        "(no '/', no leading dot)")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name) or len(name) > 200:
        raise StepError(f"The model name {name!r} has a control character or is too long")
    return name


# --- step 4: upload the dataset ---------------------------------------------------

def upload_dataset(workspace, model_name: str, dl: Connection, report: Report) -> None:
    """Archive train/val/test + labels.txt, send it, unpack it on the DL server."""
    check_model_name(model_name)
    report.line("begin : upload to DL machine")
    state = workspace.root / ".ai_nano"
    state.mkdir(parents=True, exist_ok=True)
    for leftover in state.glob("upload-*.tar*"):  # of an app killed during an upload
        leftover.unlink(missing_ok=True)
    archive, sha256, size = workspace.build_archive(state / f"upload-{model_name}.tar",
                                                    on_progress=report.progress)
    report.line(f"Archive done ({size / 1e6:.1f} MB)")
    try:
        workdir = dl.workdir()
        base = posixpath.join("models", model_name)  # relative to workdir, the scripts' cwd
        deploy_scripts(dl, DL_SCRIPTS, workdir, report)
        report.line(f"On DL, creation of the {model_name} directory")
        dl.makedirs(posixpath.join(workdir, base))
        remote_archive = posixpath.join(workdir, base, "data.tar")
        free = dl.disk_free(posixpath.join(workdir, base))
        if free < 2 * size + 50_000_000:
            raise StepError(f"Not enough disk space on {dl.machine.name}: "
                            f"{free / 1e6:.0f} MB free, the dataset needs about "
                            f"{2 * size / 1e6:.0f} MB")
        dl.put_file(archive, remote_archive, on_progress=report.progress)
        lines: list[str] = []
        rc = dl.run([python_of(dl), "unpack.py", posixpath.join(base, "data.tar"),
                     base, "--sha256", sha256, "--size", str(size)],
                    cwd=workdir, on_line=_keeping_tail(report, lines).line, stop=report.stop)
        if rc != 0:
            raise StepError(f"Unpacking failed on {dl.machine.name}: "
                            f"{_last_error(lines, f'exit status {rc}')}")
    finally:
        archive.unlink(missing_ok=True)
    report.line("Unzip done on DL machine")
    report.line("End : ZIP file uploaded and extracted to DL machine")


# --- steps 5 and 6: jobs on the DL server -------------------------------------------

def _job_start_argv(conn: Connection, job_dir: str, command: list[str],
                    queue: bool) -> list[str]:
    machine = conn.machine
    argv = [python_of(conn), "job.py", "start", "--job-dir", job_dir]
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
    texts = {
        "waiting": f"waiting for the GPU ({ahead} ahead)",
        "pending": f"pending in the cluster's queue ({ahead} ahead): {state.get('reason', '')}",
        "running": "job running",
        "cancelled": f"job cancelled: {state.get('reason', '')}",
        "failed": f"job failed: {state.get('reason', '')}",
    }
    text = texts.get(str(state.get("state", "")))
    return text.rstrip(": ") if text else None


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
                argv = [python_of(conn), "job.py", "follow", "--job-dir", job_dir,
                        "--from-line", str(shown)]
                rc = conn.run(argv, cwd=conn.workdir(), on_line=on_line, stop=report.stop)
                if report.detached.is_set():
                    report.line(f"The job goes on on {machine.name}; reopen the project "
                                "to follow it again.")
                elif report.stop.is_set():
                    conn.run([python_of(conn), "job.py", "stop", "--job-dir", job_dir],
                             cwd=conn.workdir(), on_line=report.line)
                return rc
        except (ConnectionLost, MachineError) as error:
            if report.stop.is_set():
                raise StepError("Stopped") from error
            if isinstance(error, MachineError) and not isinstance(error, ConnectionLost) \
                    and deadline is None and shown == from_line:
                raise
            deadline = deadline or time.monotonic() + retry_for
            if time.monotonic() > deadline:
                raise StepError(f"Lost the connection to {machine.name} and could not "
                                f"re-attach: {error}") from error
            report.line(f"Connection to {machine.name} lost ({error}); the job goes on "
                        "there, re-attaching…")
            report.stop.wait(3.0)


def _run_job(connect: Connector, machine: MachineConfig, job_dir: str, command: list[str],
             report: Report, queue: bool) -> int:
    with connect(machine) as conn:
        deploy_scripts(conn, DL_SCRIPTS, conn.workdir(), report)
        if machine.scheduler != "slurm":  # on a cluster the login node may lack torch
            require_modules(conn, ["torch", "torchvision", "onnx", "onnxruntime"],
                            posixpath.join(conn.workdir(), "requirements.txt"))
        lines: list[str] = []
        rc = conn.run(_job_start_argv(conn, job_dir, command, queue), cwd=conn.workdir(),
                      on_line=_keeping_tail(report, lines).line)
        if rc != 0:
            raise StepError(_last_error(lines, f"could not start the job (exit status {rc})"))
    return follow_job(connect, machine, job_dir, report)


def train_argv(python: str, model_name: str, settings: TrainingSettings) -> list[str]:
    base = posixpath.join("models", model_name)
    argv = ["nice", "-n", "10", python, "train.py", f"--model-dir={base}/model", base,
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
                  _keeping_tail(report, lines), queue=True)
    if report.stop.is_set():
        raise StepError("Training stopped")
    if rc != 0:
        raise StepError(f"Training failed: {_last_error(lines, f'exit status {rc}')}")
    report.line("End training model")


def attach_training(connect: Connector, machine: MachineConfig, model_name: str,
                    report: Report) -> None:
    """Re-attach to a training started earlier (after a restart of the app)."""
    check_model_name(model_name)
    job_dir = posixpath.join("models", model_name, "job")
    report.line(f"Re-attaching to the training of {model_name}")
    lines: list[str] = []
    rc = follow_job(connect, machine, job_dir, _keeping_tail(report, lines))
    if rc != 0:
        raise StepError(f"Training failed: {_last_error(lines, f'exit status {rc}')}")
    report.line("End training model")


def training_state(conn: Connection, model_name: str) -> dict:
    """job.py's status of a model's training ({} when it never started)."""
    check_model_name(model_name)
    job_dir = posixpath.join("models", model_name, "job")
    if not conn.exists(posixpath.join(conn.workdir(), job_dir)):
        return {}
    try:
        text = conn.output([python_of(conn), "job.py", "status", "--job-dir", job_dir],
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
    command = [machine.python, "onnx_export.py", f"--model-dir={base}/model"]
    rc = _run_job(connect, machine, posixpath.join(base, "export_job"), command,
                  _keeping_tail(report, lines), queue=False)
    if rc != 0 or report.stop.is_set():
        raise StepError(f"Conversion to ONNX failed: {_last_error(lines, f'exit status {rc}')}")
    report.line("End conversion to ONNX file")
    report.line("Begin evaluation on the test images")
    command = [machine.python, "evaluate.py", f"--model-dir={base}/model", base]
    rc = _run_job(connect, machine, posixpath.join(base, "eval_job"), command,
                  _keeping_tail(report, lines), queue=False)
    if rc != 0:
        raise StepError(f"Evaluation failed: {_last_error(lines, f'exit status {rc}')}")
    report.line("End evaluation on the test images")


# --- step 7: the model to the Nano ------------------------------------------------

def upload_model_to_nano(dl: Connection, nano: Connection, model_name: str, arch: str,
                         report: Report) -> None:
    """Fetch the ONNX file and labels.txt from the DL server, put them on the Nano."""
    check_model_name(model_name)
    report.line("Begin upload ONNX model to Jetson Nano.")
    model_dir = posixpath.join(dl.workdir(), "models", model_name, "model")
    onnx_name = f"{arch}.onnx"
    target = posixpath.join(nano.workdir(), "models", model_name)
    with tempfile.TemporaryDirectory(prefix="ai_nano-") as tmp:
        for name in (onnx_name, "labels.txt"):
            if not dl.exists(posixpath.join(model_dir, name)):
                raise StepError(f"{name} is not on {dl.machine.name} yet: convert the model "
                                "to ONNX first (step 6)")
            dl.get_file(posixpath.join(model_dir, name), Path(tmp) / name,
                        on_progress=report.progress)
        report.line("Getting ONNX file")
        nano.makedirs(target)
        for name in (onnx_name, "labels.txt"):
            nano.put_file(Path(tmp) / name, posixpath.join(target, name),
                          on_progress=report.progress)
    report.line("End upload ONNX model to Jetson Nano.")


def list_nano_models(nano: Connection) -> list[str]:
    """Model folders on a Nano that hold a labels.txt and an ONNX file."""
    models_dir = posixpath.join(nano.workdir(), "models")
    found = []
    for name in sorted(nano.listdir(models_dir)):
        files = nano.listdir(posixpath.join(models_dir, name))
        if "labels.txt" in files and any(f.endswith(".onnx") for f in files):
            found.append(name)
    return found


# --- step 8: inference on the Nano ------------------------------------------------

def inference_argv(nano: Connection, model_name: str, scripts_dir: str) -> list[str]:
    check_model_name(model_name)
    models = posixpath.join(nano.workdir(), "models", model_name)
    files = nano.listdir(models)
    onnx_files = sorted(f for f in files if f.endswith(".onnx"))
    if not onnx_files or "labels.txt" not in files:
        raise StepError(f"Model {model_name} is not complete on {nano.machine.name}: "
                        "upload it first (step 7)")
    return [python_of(nano), posixpath.join(scripts_dir, "my-imagenet.py"),
            f"--model={posixpath.join(models, onnx_files[0])}",
            f"--labels={posixpath.join(models, 'labels.txt')}",
            "--input_blob=input_0", "--output_blob=output_0",
            f"--camera={nano.machine.camera or '/dev/video0'}",
            "--headless", "--log-level=info", "--print-scores"]


def run_inference(nano: Connection, model_name: str, report: Report) -> int:
    """Step 8: my-imagenet.py on the Nano until it ends or the user presses Stop.

    It runs in a pseudo-terminal, so a dropped connection hangs it up (SIGHUP) and it
    switches its LEDs off by itself; Stop terminates it the same way.
    """
    check_model_name(model_name)
    report.line("Begin inference. It may take a long time. Be patient.")
    scripts_dir = posixpath.join(nano.workdir(), "nano_scripts")
    deploy_scripts(nano, NANO_SCRIPTS, scripts_dir, report)
    if len(missing_modules(nano, ["jetson_inference", "jetson.inference"])) == 2:
        # no TensorRT backend: the ONNX Runtime one needs these
        require_modules(nano, ["onnxruntime", "cv2", "numpy"],
                        posixpath.join(scripts_dir, "requirements.txt"))
    argv = inference_argv(nano, model_name, scripts_dir)
    labels_file = posixpath.join(nano.workdir(), "models", model_name, "labels.txt")
    labels = [text.strip() for text in nano.read_text(labels_file).splitlines() if text.strip()]
    report.line(EVENT_MARKER + json.dumps({"event": "labels", "labels": labels}))
    report.line("Starting inference")
    lines: list[str] = []
    rc = nano.run(argv, cwd=scripts_dir, on_line=_keeping_tail(report, lines).line,
                  stop=report.stop, pty=True)
    if report.stop.is_set():
        report.line("Inference stopped")
        return 0
    if rc != 0:
        raise StepError(f"Inference ended with an error: {_last_error(lines, f'exit status {rc}')}")
    report.line("End of inference")
    return rc


def switch_off_leds(nano: Connection, report: Report) -> None:
    scripts_dir = posixpath.join(nano.workdir(), "nano_scripts")
    deploy_scripts(nano, NANO_SCRIPTS, scripts_dir, report)
    nano.run([python_of(nano), posixpath.join(scripts_dir, "switch_off_led.py")],
             cwd=scripts_dir, on_line=report.line)
