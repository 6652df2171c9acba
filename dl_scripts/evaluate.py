#!/usr/bin/env python3
"""Run the exported ONNX model on every image of test/, the way the Nano will.

`evaluate.py --model-dir=models/NAME/model models/NAME` uses ONNX Runtime and the Nano's
preprocessing (whole frame stretched, RGB, /255, ImageNet mean/std), so the accuracy is
the one the Nano should give. It prints overall and per-class accuracy and the confusion
matrix, writes them to `<model-dir>/evaluation.json` and prints the same object as an
`@ai_nano` `evaluation` event for the desktop app to draw. Its `pictures` field gives
every test picture's result compactly, `[file, true id, predicted id, confidence]` with
`file` relative to test/ (the laptop has the pictures: only these results travel).
"""
from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import onnxruntime  # noqa: E402

from dl_common import (ArgumentParser, ScriptError, atomic_write_text, emit, run_main, say,  # noqa: E402
                       usable_cpus)
from nano_data import NANO_PREPROCESSING, decode_rgb, find_classes, list_images, nano_preprocess, read_labels  # noqa: E402

log = logging.getLogger(__name__)

EVALUATION_FILE = "evaluation.json"
INPUT_NAME = "input_0"
OUTPUT_NAME = "output_0"
MAX_MISTAKES_LISTED = 50


def parse_args(argv: list[str] | None) -> Any:
    """Command line: model dir and dataset, as for train.py."""
    parser = ArgumentParser(description="Evaluate the exported ONNX model on test/.")
    parser.add_argument("dataset", help="dataset folder holding test/<class>/*.jpg")
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--onnx", default=None, help="ONNX file (default: the one in the model dir)")
    return parser.parse_args(argv)


def find_onnx(model_dir: Path, requested: str | None) -> Path:
    """The ONNX file to evaluate: --onnx, else the only *.onnx of the model dir."""
    if requested:
        path = Path(requested)
        path = path if path.is_absolute() or path.exists() else model_dir / path
        if not path.is_file():
            raise ScriptError(f"--onnx {requested}: no such file")
        return path
    found = sorted(model_dir.glob("*.onnx")) if model_dir.is_dir() else []
    if not found:
        raise ScriptError(f"no ONNX file in {model_dir}: run onnx_export.py first")
    if len(found) > 1:
        names = ", ".join(path.name for path in found)
        raise ScriptError(f"several ONNX files in {model_dir} ({names}): choose one with --onnx")
    return found[0]


def open_session(path: Path) -> tuple[onnxruntime.InferenceSession, int]:
    """An ONNX Runtime CPU session and the square input resolution read from the file."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = usable_cpus()
    try:
        session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as error:  # ORT raises its own exception types for unreadable files
        raise ScriptError(f"ONNX Runtime cannot load {path}: {str(error).splitlines()[0][:200]}") from None
    inputs = session.get_inputs()
    if [i.name for i in inputs] != [INPUT_NAME] or [o.name for o in session.get_outputs()] != [OUTPUT_NAME]:
        raise ScriptError(f"{path} does not have the tensors {INPUT_NAME} -> {OUTPUT_NAME}")
    shape = inputs[0].shape
    if len(shape) != 4 or not all(isinstance(d, int) for d in shape) or shape[2] != shape[3]:
        raise ScriptError(f"{path} input shape {shape} is not a static 1x3xRxR")
    return session, int(shape[2])


def evaluate(session: onnxruntime.InferenceSession, resolution: int, labels: list[str],
             items: list[tuple[Path, int]], pictures: list[list[Any]] | None = None,
             ) -> tuple[np.ndarray, list[dict[str, Any]], int]:
    """Confusion matrix (rows true, columns predicted), the mistakes, and files skipped;
    every picture's `[file, true id, predicted id, confidence]` is appended to `pictures`."""
    confusion = np.zeros((len(labels), len(labels)), dtype=np.int64)
    mistakes: list[dict[str, Any]] = []
    skipped = 0
    for number, (path, truth) in enumerate(items, start=1):
        rgb = decode_rgb(path)
        if rgb is None:
            skipped += 1
            continue
        scores = session.run([OUTPUT_NAME], {INPUT_NAME: nano_preprocess(rgb, resolution)})[0][0]
        if scores.shape != (len(labels),):
            raise ScriptError(f"the model gives {scores.shape[0]} outputs but labels.txt has {len(labels)} lines")
        predicted = int(scores.argmax())
        confusion[truth, predicted] += 1
        if pictures is not None:
            pictures.append([f"{path.parent.name}/{path.name}", int(truth), predicted,
                             round(float(scores[predicted]), 4)])
        if predicted != truth and len(mistakes) < MAX_MISTAKES_LISTED:
            mistakes.append({"file": f"{path.parent.name}/{path.name}", "label": labels[truth],
                             "predicted": labels[predicted], "confidence": round(float(scores[predicted]), 4)})
        if number % 100 == 0:
            say(f"evaluated {number}/{len(items)} images")
    return confusion, mistakes, skipped


def report(confusion: np.ndarray, labels: list[str], onnx_path: Path, resolution: int,
           mistakes: list[dict[str, Any]], pictures: list[list[Any]] | None = None) -> dict[str, Any]:
    """The evaluation object of doc/ARCHITECTURE.md (plus the first mistakes and, when
    given, every picture's result)."""
    totals = confusion.sum(axis=1)
    correct = np.diag(confusion)
    per_class = [{"label": label, "total": int(totals[i]), "correct": int(correct[i]),
                  "accuracy": round(float(correct[i] / totals[i]), 5) if totals[i] else None}
                 for i, label in enumerate(labels)]
    images = int(totals.sum())
    return {"classes": labels, "images": images, "correct": int(correct.sum()),
            "accuracy": round(float(correct.sum() / images), 5) if images else 0.0,
            "per_class": per_class, "confusion": confusion.tolist(),
            "preprocessing": NANO_PREPROCESSING.format(w=resolution, h=resolution),
            "model": onnx_path.name, "resolution": resolution, "mistakes": mistakes,
            **({"pictures": pictures} if pictures is not None else {})}


def print_report(result: dict[str, Any]) -> None:
    """Human summary: accuracy, per-class lines, the confusion matrix as a table."""
    labels = result["classes"]
    say(f"test accuracy {result['accuracy']:.1%} ({result['correct']}/{result['images']} images)")
    for entry in result["per_class"]:
        accuracy = "n/a" if entry["accuracy"] is None else f"{entry['accuracy']:.1%}"
        say(f"  {entry['label']}: {accuracy} ({entry['correct']}/{entry['total']})")
    width = max(8, *(len(label) for label in labels)) + 1
    say("confusion matrix (rows: true class, columns: predicted class)")
    say(" " * width + "".join(label[:width - 1].rjust(width) for label in labels))
    for label, row in zip(labels, result["confusion"]):
        say(label[:width - 1].ljust(width) + "".join(str(count).rjust(width) for count in row))


def main(argv: list[str] | None = None) -> int:
    """Check the inputs, run every test image, write evaluation.json, emit the event."""
    args = parse_args(argv)
    model_dir = Path(args.model_dir)
    dataset = Path(args.dataset)
    test_dir = dataset / "test"
    if not test_dir.is_dir():
        raise ScriptError(f"dataset {dataset} has no test/ folder")
    labels_file = model_dir / "labels.txt"
    if not labels_file.is_file():
        raise ScriptError(f"no {labels_file}: run onnx_export.py first")
    labels = read_labels(labels_file)
    folders = find_classes(test_dir)
    unknown = [name for name in folders if name not in labels]
    if unknown:
        raise ScriptError(f"test/ has class folder(s) {unknown} that the model does not know ({labels})")
    onnx_path = find_onnx(model_dir, args.onnx)
    session, resolution = open_session(onnx_path)
    items = list_images(test_dir, labels)
    if not items:
        raise ScriptError(f"{test_dir} holds no image")
    say(f"evaluating {onnx_path.name} on {len(items)} test images with the Nano's preprocessing "
        f"({resolution}x{resolution})")
    pictures: list[list[Any]] = []
    confusion, mistakes, skipped = evaluate(session, resolution, labels, items, pictures)
    if confusion.sum() == 0:
        raise ScriptError(f"no readable image in {test_dir}")
    result = report(confusion, labels, onnx_path, resolution, mistakes, pictures)
    print_report(result)
    if skipped:
        say(f"{skipped} unreadable file(s) skipped")
    try:
        atomic_write_text(model_dir / EVALUATION_FILE, json.dumps(result, indent=1) + "\n")
    except OSError as error:
        raise ScriptError(f"cannot write {model_dir / EVALUATION_FILE}: {error.strerror or error}") from None
    say(f"wrote {model_dir / EVALUATION_FILE}")
    emit("evaluation", **result)
    return 0


if __name__ == "__main__":
    sys.exit(run_main(main))
