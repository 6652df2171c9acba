"""Steps 7 and 8: the model to the Nano, and live inference there (LEDs included)."""
from __future__ import annotations

import json
import logging
import posixpath
import queue
import tempfile
from pathlib import Path
from typing import Callable

from core.identity import describe_holder, laptop_identity
from core.machines import Connection
from core.pipeline import (NANO_SCRIPTS, NANO_SCRIPTS_DIR, Report, StepError, check_model_name,
                           deploy_scripts, keeping_tail, last_error, missing_modules, python_of,
                           require_modules, stoppable_progress)
from core.protocol import EVENT_MARKER, Frame, TextLine, frame_from_event, parse_event

log = logging.getLogger(__name__)

#: In the Nano's workdir: flocked by the running inference (nano_scripts/nano_lock.py),
#: with the holder's login, laptop, model and start time in NANO_LOCK + ".json".
NANO_LOCK = "ai_nano_inference.lock"
#: Full-size frames per second of my-imagenet.py --capture-only (record_from_nano).
CAPTURE_RATE = 2.0

FrameCallback = Callable[[Frame], None]


class NanoInUse(StepError):
    """Another laptop's inference holds the Nano; `holder` says whose (login, laptop...)."""

    def __init__(self, nano_name: str, holder: dict) -> None:
        super().__init__(f"{nano_name} is in use by {describe_holder(holder)}")
        self.nano_name, self.holder = nano_name, holder

    def question(self) -> str:
        return f"{self}.\nTake it over? Their inference will stop and their window will say so."


def nano_lock_path(nano: Connection) -> str:
    return posixpath.join(nano.workdir(), NANO_LOCK)


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
                        on_progress=stoppable_progress(report, "Model download"))
        report.line("Getting ONNX file")
        nano.makedirs(target)
        for name in nano.listdir(target):   # built by TensorRT for the previous ONNX file
            if name.endswith(".engine"):
                report.line(f"Removing the stale TensorRT engine {name}")
                nano.remove(posixpath.join(target, name))
        for name in (onnx_name, "labels.txt"):
            nano.put_file(Path(tmp) / name, posixpath.join(target, name),
                          on_progress=stoppable_progress(report, "Model upload"))
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

def inference_argv(nano: Connection, model_name: str, scripts_dir: str,
                   owner: dict | None = None, take_over: bool = False) -> list[str]:
    """my-imagenet.py's command line; with `owner`, it holds the Nano's lock while it runs."""
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
            f"--pins={','.join(map(str, nano.machine.pins))}",
            "--headless", "--log-level=info", "--print-scores"] + (
            [f"--lock={nano_lock_path(nano)}",
             "--owner=" + json.dumps(dict(owner, model=model_name), sort_keys=True)]
            + (["--take-over"] if take_over else []) if owner is not None else [])


def _prepare_nano(nano: Connection, report: Report, modules: list[str]) -> str:
    """Deploy the scripts; without TensorRT, require the ONNX Runtime backend's modules."""
    scripts_dir = posixpath.join(nano.workdir(), NANO_SCRIPTS_DIR)
    deploy_scripts(nano, NANO_SCRIPTS, scripts_dir, report)
    if len(missing_modules(nano, ["jetson_inference", "jetson.inference"])) == 2:
        require_modules(nano, modules, posixpath.join(scripts_dir, "requirements.txt"))
    return scripts_dir


def _run_on_nano(nano: Connection, argv: list[str], scripts_dir: str, report: Report,
                 requests: queue.Queue[str] | None, on_frame: FrameCallback | None,
                 what: str = "Inference") -> int:
    """my-imagenet.py in a pty (a dropped link hangs it up: LEDs off); the lock's events
    raise here. With `on_frame`, frame lines become Frames in this (worker) thread and stay
    out of the report; a frame that does not decode is one warning line."""
    lines: list[str] = []
    events: dict = {}
    tail = keeping_tail(report, lines)

    def on_line(text: str) -> None:
        event = parse_event(text)
        if event is not None and event.name in ("nano_busy", "taken_over"):
            events[event.name] = event.data
        if event is not None and event.name == "frame" and on_frame is not None:
            frame = frame_from_event(event)
            if isinstance(frame, TextLine):
                tail.line(frame.text)
            else:
                on_frame(frame)
            return
        if event is None and on_frame is not None and '"event": "frame"' in text \
                and text.lstrip().startswith(EVENT_MARKER):
            tail.line(f"warning: a camera frame from {nano.machine.name} arrived cut: skipped")
            return
        tail.line(text)
    rc = nano.run(argv, cwd=scripts_dir, on_line=on_line, stop=report.stop, pty=True,
                  requests=requests)
    if "nano_busy" in events:
        raise NanoInUse(nano.machine.name, events["nano_busy"].get("holder") or {})
    if "taken_over" in events:
        by = events["taken_over"].get("by") or {}
        raise StepError(f"{nano.machine.name} was taken over by {by.get('login') or '?'} on "
                        f"{by.get('laptop') or '?'}: your {what.lower()} stopped (LEDs off)")
    if rc != 0 and not report.stop.is_set():
        raise StepError(f"{what} ended with an error: {last_error(lines, f'exit status {rc}')}")
    return rc


def run_inference(nano: Connection, model_name: str, report: Report,
                  owner: dict | None = None, take_over: bool = False,
                  requests: queue.Queue[str] | None = None,
                  on_frame: FrameCallback | None = None) -> int:
    """Step 8: my-imagenet.py on the Nano until it ends or the user presses Stop.

    It runs in a pseudo-terminal, so a dropped connection hangs it up (SIGHUP) and it
    switches its LEDs off by itself; Stop terminates it the same way. It holds the Nano's
    lock: NanoInUse when another laptop's inference runs there (unless `take_over`), and
    a StepError naming who took it over when another laptop does. `requests` (e.g.
    "snapshot") go to its stdin; `on_frame` gets its camera frames (preview and
    snapshots) as Frames, in this thread; without it the frame lines are report lines.
    """
    check_model_name(model_name)
    report.line("Begin inference. It may take a long time. Be patient.")
    scripts_dir = _prepare_nano(nano, report, ["onnxruntime", "cv2", "numpy"])
    owner = owner if owner is not None else laptop_identity()
    argv = inference_argv(nano, model_name, scripts_dir, owner, take_over)
    labels_file = posixpath.join(nano.workdir(), "models", model_name, "labels.txt")
    labels = [text.strip() for text in nano.read_text(labels_file).splitlines() if text.strip()]
    report.line(EVENT_MARKER + json.dumps({"event": "labels", "labels": labels}))
    report.line("Starting inference")
    rc = _run_on_nano(nano, argv, scripts_dir, report, requests, on_frame)
    if report.stop.is_set():
        report.line("Inference stopped")
        return 0
    report.line("End of inference")
    return rc


def capture_argv(nano: Connection, scripts_dir: str, rate: float, owner: dict | None,
                 take_over: bool = False) -> list[str]:
    """my-imagenet.py --capture-only: full-size frames of the Nano's camera, no model."""
    argv = [python_of(nano), posixpath.join(scripts_dir, "my-imagenet.py"), "--capture-only",
            f"--capture-rate={rate:g}", f"--camera={nano.machine.camera or '/dev/video0'}",
            "--headless", "--log-level=info"]
    if owner is not None:
        argv += [f"--lock={nano_lock_path(nano)}",
                 "--owner=" + json.dumps(dict(owner, model="recording pictures"),
                                         sort_keys=True)] + (["--take-over"] if take_over else [])
    return argv


def record_from_nano(nano: Connection, report: Report, on_frame: FrameCallback,
                     rate: float = CAPTURE_RATE, requests: queue.Queue[str] | None = None,
                     owner: dict | None = None, take_over: bool = False) -> int:
    """Step 2 with the Nano's camera: its full-size frames ("record", `rate` a second, and
    the previews between them) go to `on_frame` until Stop or the camera's end. It holds
    the Nano's lock like an inference (NanoInUse when someone else's runs there)."""
    report.line(f"Recording from the camera of {nano.machine.name}")
    scripts_dir = _prepare_nano(nano, report, ["cv2", "numpy"])
    owner = owner if owner is not None else laptop_identity()
    argv = capture_argv(nano, scripts_dir, rate, owner, take_over)
    rc = _run_on_nano(nano, argv, scripts_dir, report, requests, on_frame,
                      what="Recording from the Nano")
    report.line("Recording from the Nano stopped" if report.stop.is_set()
                else "Recording from the Nano ended")
    return 0 if report.stop.is_set() else rc


def switch_off_leds(nano: Connection, report: Report) -> None:
    """switch_off_led.py on the Nano (the original tool ran it when its window closed),
    unless an inference holds the Nano: its LEDs are its own (another student took it
    over), and it switches them off itself when it ends."""
    scripts_dir = posixpath.join(nano.workdir(), NANO_SCRIPTS_DIR)
    deploy_scripts(nano, NANO_SCRIPTS, scripts_dir, report)
    status = nano.output([python_of(nano), posixpath.join(scripts_dir, "nano_lock.py"), "status",
                          "--lock", nano_lock_path(nano)], timeout=30)
    holder = json.loads(status.strip().splitlines()[-1] or "{}")
    if holder.get("held"):
        report.line(f"{nano.machine.name}: LEDs left to the running inference of "
                    f"{describe_holder(holder.get('holder') or {})}")
        return
    nano.run([python_of(nano), posixpath.join(scripts_dir, "switch_off_led.py")],
             cwd=scripts_dir, on_line=report.line)
