"""A training's results on the laptop: the wrong test pictures, the last curves and test
results fetched from the DL server, the model saved to this computer.

The evaluation runs on the DL server; only its per-picture results travel back
(evaluate.py's `pictures`: `[file relative to test/, true id, predicted id, confidence]`).
The pictures themselves are already here: `<workspace>/test/<class>/<file>` is a hard
link to `images/<class>/<file>`, so the window shows and fixes them without any upload.
Every function takes data (a workspace, a connection) and is run by a worker. Qt-free.
"""
from __future__ import annotations

import json
import logging
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.messages import QT_TRANSLATE_NOOP, concat
from core.protocol import events
from core.workspace import Workspace, WorkspaceError, validate_class_name

log = logging.getLogger(__name__)

ONNX_NAME = "resnet18.onnx"


@dataclass(frozen=True)
class WrongPicture:
    """One misclassified test picture and where it is on the laptop."""

    file: str            # relative to test/, as evaluate.py names it: "<class>/<file>"
    true_class: str
    predicted: str
    confidence: float    # of the (wrong) answer, 0..1
    path: Path | None    # images/<class>/<file> on the laptop; None when removed since


@dataclass
class LastResults:
    """What the DL server still has of a model's training: curves and test results."""

    model_name: str
    epochs: list[dict[str, Any]] = field(default_factory=list)
    evaluation: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)   # one line each: what is missing


def _results(evaluation: dict[str, Any]) -> tuple[list[tuple[str, str, str, float]], list[str]]:
    """(file, true, predicted, confidence) of every wrong answer, and notes.

    An evaluation from an older evaluate.py has no `pictures`: its `mistakes` (the
    first 50 at most) are used instead, with a note saying so.
    """
    labels = [str(label) for label in evaluation.get("classes", []) or []]
    pictures = evaluation.get("pictures")
    notes: list[str] = []
    found = []
    if isinstance(pictures, list):
        for entry in pictures:
            try:
                file, truth, predicted, confidence = entry[0], int(entry[1]), int(entry[2]), float(entry[3])
                if truth != predicted:
                    found.append((str(file), labels[truth], labels[predicted], confidence))
            except (TypeError, ValueError, IndexError, KeyError):
                log.warning("skipping a malformed picture result: %.80r", entry)
        return found, notes
    mistakes = evaluation.get("mistakes")
    if not isinstance(mistakes, list):
        return [], ["This evaluation comes from an older version of the scripts and lists no "
                    "picture: convert the model again (step 6) to see the wrong pictures."]
    for entry in mistakes:
        if isinstance(entry, dict):
            try:
                found.append((str(entry["file"]), str(entry["label"]), str(entry["predicted"]),
                              float(entry.get("confidence", 0.0))))
            except (KeyError, TypeError, ValueError):
                log.warning("skipping a malformed mistake: %.80r", entry)
    notes.append(QT_TRANSLATE_NOOP("core", "This evaluation comes from an older version of the "
                                   "scripts: only its first {count} wrong picture(s) are listed; "
                                   "convert again (step 6) to see all.").format(count=len(found)))
    return found, notes


def _laptop_file(workspace: Workspace, file: str) -> Path | None:
    """images/<class>/<file> for test/<class>/<file>, or None when it is gone or unsafe."""
    parts = file.split("/")
    if len(parts) != 2 or parts[1] in ("", ".", "..") or parts[1].startswith("."):
        return None
    try:
        path = workspace.class_dir(parts[0]) / parts[1]
    except WorkspaceError:
        return None
    return path if path.is_file() else None


def wrong_pictures(evaluation: dict[str, Any], workspace: Workspace) -> tuple[list[WrongPicture], list[str]]:
    """Every misclassified test picture, worst (most confident wrong answer) first, and
    one note per problem (old evaluation, pictures removed since)."""
    found, notes = _results(evaluation)
    pictures = [WrongPicture(file, truth, predicted, confidence, _laptop_file(workspace, file))
                for file, truth, predicted, confidence in found]
    gone = [picture.file for picture in pictures if picture.path is None]
    if gone:
        shown = concat(", ".join(gone[:3]), QT_TRANSLATE_NOOP("core", " and {count} more").format(
            count=len(gone) - 3)) if len(gone) > 3 else ", ".join(gone[:3])
        notes.append(QT_TRANSLATE_NOOP("core", "{count} wrong test picture(s) were removed or moved "
                                       "since the evaluation: {shown}.").format(
            count=len(gone), shown=shown))
    pictures.sort(key=lambda picture: -picture.confidence)
    return pictures, notes


def move_picture(workspace: Workspace, path: Path | str, class_name: str) -> Path:
    """Move a mislabelled picture of images/ to another class; return its new path.

    The picture gets the next free number of that class (a rename, never an overwrite:
    core/workspace.py links it to a name that fails if taken). images/ changed, so the
    split's fingerprint no longer matches: the next upload splits again.
    """
    path = Path(path)
    class_name = validate_class_name(class_name)
    target_dir = workspace.class_dir(class_name)
    if not path.is_file() or path.parent.parent.resolve() != workspace.images_dir.resolve():
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "{file} is no longer a picture of this "
                                               "project.").format(file=path.name))
    if not target_dir.is_dir():
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "Class {name!r} does not exist.").format(
            name=class_name))
    if target_dir.resolve() == path.parent.resolve():
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "{file} is already in class {name!r}.").format(
            file=path.name, name=class_name))
    try:
        placed = workspace.claim_number(class_name, path, path.suffix.lower() or ".jpg")
    except OSError as error:
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "Cannot move {file}: {reason}.").format(
            file=path.name, reason=error.strerror or error)) from error
    log.info("moved %s to %s", path, placed)
    return placed


def fetch_last_results(conn: Any, model_name: str) -> LastResults:
    """The curves (metrics.jsonl) and test results (evaluation.json) of a model on the
    DL server; what is missing becomes a note, never an exception."""
    found = LastResults(model_name)
    model_dir = posixpath.join(conn.workdir(), "models", model_name)
    if not conn.exists(model_dir):
        found.notes.append(QT_TRANSLATE_NOOP("core", "The model {model} is no longer on the DL server "
                                             "({machine}): upload and train again.").format(
            model=model_name, machine=conn.machine.name))
        return found
    metrics = posixpath.join(model_dir, "model", "metrics.jsonl")
    if conn.exists(metrics):
        found.epochs = [e.data for e in events(conn.read_text(metrics).splitlines()) if e.name == "epoch"]
    evaluation = posixpath.join(model_dir, "model", "evaluation.json")
    if conn.exists(evaluation):
        try:
            data = json.loads(conn.read_text(evaluation))
            found.evaluation = data if isinstance(data, dict) else None
        except ValueError:
            found.notes.append(QT_TRANSLATE_NOOP("core", "The test results of {model} on the DL "
                                                 "server are damaged: convert again (step "
                                                 "6).").format(model=model_name))
    return found


README = """Model {model}: {classes} classes ({labels})
Files: {onnx} (the network) and labels.txt (one class name a line, in the network's order).

Run it with ONNX Runtime on a PC or a Raspberry Pi (64-bit OS):
    python3 -m pip install onnxruntime opencv-python-headless numpy

    import cv2, numpy as np, onnxruntime
    session = onnxruntime.InferenceSession("{onnx}", providers=["CPUExecutionProvider"])
    labels = [l.strip() for l in open("labels.txt") if l.strip()]
    frame = cv2.imread("picture.jpg")                      # or a frame of cv2.VideoCapture(0)
    rgb = cv2.cvtColor(cv2.resize(frame, ({size}, {size}), interpolation=cv2.INTER_NEAREST),
                       cv2.COLOR_BGR2RGB).astype(np.float32) / 255
    x = (rgb - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]
    x = x.transpose(2, 0, 1)[None].astype(np.float32)      # 1x3x{size}x{size}, channels first
    probabilities = session.run(["output_0"], {{"input_0": x}})[0][0]
    print(labels[probabilities.argmax()], probabilities.max())

This is the Nano's preprocessing: the whole picture stretched to {size}x{size} (no crop),
RGB, divided by 255, then the ImageNet mean and standard deviation. The output already
holds probabilities (a Softmax ends the network).
"""


def _free_folder(folder: Path) -> Path:
    """`folder`, or `folder-1`, `folder-2`...: never write into an earlier download."""
    if not folder.exists():
        return folder
    number = 1
    while Path(f"{folder}-{number}").exists():
        number += 1
    return Path(f"{folder}-{number}")


def save_model(conn: Any, model_name: str, destination: Path | str, resolution: int = 224,
               on_progress: Any = None) -> Path:
    """Download the ONNX file and labels.txt into a new folder under `destination`, with a
    README.txt on running them; return the folder."""
    remote = posixpath.join(conn.workdir(), "models", model_name, "model")
    onnx, labels = posixpath.join(remote, ONNX_NAME), posixpath.join(remote, "labels.txt")
    if not conn.exists(onnx) or not conn.exists(labels):
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "No ONNX file for {model} on the DL server: "
                                               "convert the model first (step 6).").format(
            model=model_name))
    folder = _free_folder(Path(destination) / model_name)
    try:
        folder.mkdir(parents=True)
        conn.get_file(onnx, folder / ONNX_NAME, on_progress=on_progress)
        conn.get_file(labels, folder / "labels.txt")
        names = [line.strip() for line in (folder / "labels.txt").read_text().splitlines() if line.strip()]
        (folder / "README.txt").write_text(README.format(
            model=model_name, classes=len(names), labels=", ".join(names), onnx=ONNX_NAME,
            size=resolution), encoding="utf-8")
    except OSError as error:
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "Cannot save the model in {folder}: "
                                               "{reason}.").format(
            folder=folder, reason=error.strerror or error)) from error
    log.info("saved %s to %s (%d files)", model_name, folder, len(os.listdir(folder)))
    return folder
