#!/usr/bin/env python3
"""Export the best checkpoint to an ONNX file the Jetson Nano can load, and prove it.

`onnx_export.py --model-dir=models/NAME/model [models/NAME]` writes `<arch>.onnx` and
`labels.txt` in the model dir. The file follows shared/NANO_FACTS.md: opset 11 by the
TorchScript exporter (the dynamo one may silently stay at opset 18, which old TensorRT
cannot parse), static 1x3xHxW input, tensors `input_0`/`output_0`, Softmax appended.
After writing it is checked (checker, opset read back, names, shapes, output count =
labels) and run with ONNX Runtime on real images against PyTorch; any mismatch fails
loudly and the previous ONNX file, if any, stays in place.
"""
from __future__ import annotations

import logging
import os
import sys
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from dl_common import (ArgumentParser, ScriptError, atomic_write_text, emit, ensure_writable_dir,  # noqa: E402
                       labels_text, run_main, say, set_cpu_threads)
from dl_model import BEST_CHECKPOINT, model_from_checkpoint, read_checkpoint  # noqa: E402
from nano_data import decode_rgb, list_images, nano_preprocess, read_labels  # noqa: E402

log = logging.getLogger(__name__)

OPSET = 11
INPUT_NAME = "input_0"
OUTPUT_NAME = "output_0"
MAX_ABS_DIFF = 1e-4
PARITY_IMAGES = 16


def parse_args(argv: list[str] | None) -> Any:
    """Command line: the model dir, optionally the dataset (default: the model dir's parent)."""
    parser = ArgumentParser(description="Export model_best.pth.tar to a Nano-ready ONNX file.")
    parser.add_argument("dataset", nargs="?", default=None,
                        help="dataset folder with test/ images for the parity check "
                             "(default: the model dir's parent)")
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--checkpoint", default=BEST_CHECKPOINT, help="checkpoint file in the model dir")
    return parser.parse_args(argv)


def parity_images(dataset: Path, classes: list[str], resolution: int) -> np.ndarray:
    """Up to PARITY_IMAGES real images (test/, else val/, else train/), Nano-preprocessed."""
    for split in ("test", "val", "train"):
        if not (dataset / split).is_dir():
            continue
        items = list_images(dataset / split, classes)
        step = max(1, len(items) // PARITY_IMAGES)
        tensors = []
        for path, _ in items[::step]:
            rgb = decode_rgb(path)
            if rgb is not None:
                tensors.append(nano_preprocess(rgb, resolution))
            if len(tensors) == PARITY_IMAGES:
                break
        if tensors:
            say(f"parity check on {len(tensors)} images of {dataset / split}")
            return np.concatenate(tensors)
    raise ScriptError(f"no readable image in {dataset}/test, val or train for the ONNX parity check")


def export(model: nn.Module, path: Path, resolution: int) -> None:
    """TorchScript export at opset 11, static shape, our tensor names."""
    dummy = torch.zeros(1, 3, resolution, resolution)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notices
        torch.onnx.export(model, (dummy,), str(path), dynamo=False, opset_version=OPSET,
                          input_names=[INPUT_NAME], output_names=[OUTPUT_NAME],
                          do_constant_folding=True, export_params=True)


def _dims(value_info: Any) -> list[int | str]:
    return [dim.dim_value if dim.HasField("dim_value") else (dim.dim_param or "?")
            for dim in value_info.type.tensor_type.shape.dim]


def check_onnx(path: Path, resolution: int, num_classes: int) -> None:
    """Read the file back and check what the Nano relies on; ScriptError on any difference."""
    model = onnx.load(str(path))
    try:
        onnx.checker.check_model(model)
    except onnx.checker.ValidationError as error:
        raise ScriptError(f"the exported ONNX file is invalid: {str(error).splitlines()[0]}") from None
    opsets = {entry.domain or "ai.onnx": entry.version for entry in model.opset_import}
    if opsets.get("ai.onnx") != OPSET:
        raise ScriptError(f"the exported file has opset {opsets.get('ai.onnx')}, not {OPSET}: "
                          "the Nano's TensorRT could not parse it")
    inputs = [value for value in model.graph.input
              if value.name not in {init.name for init in model.graph.initializer}]
    outputs = list(model.graph.output)
    if [value.name for value in inputs] != [INPUT_NAME] or [value.name for value in outputs] != [OUTPUT_NAME]:
        raise ScriptError(f"tensor names are {[v.name for v in inputs]} -> {[v.name for v in outputs]}, "
                          f"not [{INPUT_NAME}] -> [{OUTPUT_NAME}]")
    if _dims(inputs[0]) != [1, 3, resolution, resolution]:
        raise ScriptError(f"input shape {_dims(inputs[0])} is not static [1, 3, {resolution}, {resolution}]")
    if _dims(outputs[0]) != [1, num_classes]:
        raise ScriptError(f"output shape {_dims(outputs[0])} does not match the {num_classes} labels")


def compare_with_torch(model: nn.Module, path: Path, images: np.ndarray) -> float:
    """Largest |ONNX Runtime - PyTorch| over the images' probabilities (CPU, fp32)."""
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    worst = 0.0
    with torch.inference_mode():
        for image in images:
            batch = image[None].astype(np.float32)
            expected = model(torch.from_numpy(batch)).numpy()
            got = session.run([OUTPUT_NAME], {INPUT_NAME: batch})[0]
            worst = max(worst, float(np.abs(got - expected).max()))
    return worst


def main(argv: list[str] | None = None) -> int:
    """Load the checkpoint, export next to it, check, compare, then publish atomically."""
    args = parse_args(argv)
    model_dir = Path(args.model_dir)
    dataset = Path(args.dataset) if args.dataset else model_dir.resolve().parent
    checkpoint = read_checkpoint(model_dir / args.checkpoint)
    classes: list[str] = checkpoint["classes"]
    resolution = int(checkpoint["resolution"])
    if (dataset / "labels.txt").is_file() and read_labels(dataset / "labels.txt") != classes:
        raise ScriptError(f"{dataset / 'labels.txt'} disagrees with the checkpoint's classes {classes}")
    ensure_writable_dir(model_dir)
    set_cpu_threads()
    network = nn.Sequential(model_from_checkpoint(checkpoint), nn.Softmax(dim=1)).eval()
    images = parity_images(dataset, classes, resolution)

    onnx_path = model_dir / f"{checkpoint['arch']}.onnx"
    part = model_dir / f".{onnx_path.name}.part"
    say(f"exporting {checkpoint['arch']} (epoch {checkpoint.get('epoch', '?')}, {len(classes)} classes, "
        f"{resolution}x{resolution}) to {onnx_path} at opset {OPSET}")
    try:
        export(network, part, resolution)
        check_onnx(part, resolution, len(classes))
        max_abs_diff = compare_with_torch(network, part, images)
        if not max_abs_diff <= MAX_ABS_DIFF:
            raise ScriptError(f"ONNX Runtime differs from PyTorch by {max_abs_diff:.2e} "
                              f"(limit {MAX_ABS_DIFF:.0e}): the file was not kept")
        os.replace(part, onnx_path)
    finally:
        part.unlink(missing_ok=True)
    atomic_write_text(model_dir / "labels.txt", labels_text(classes))
    say(f"checked: opset {OPSET}, {INPUT_NAME} [1, 3, {resolution}, {resolution}] -> {OUTPUT_NAME} "
        f"[1, {len(classes)}], ONNX Runtime vs PyTorch max abs diff {max_abs_diff:.2e}")
    say(f"wrote {onnx_path} and {model_dir / 'labels.txt'}")
    emit("export", onnx=str(onnx_path), opset=OPSET, input=INPUT_NAME, output=OUTPUT_NAME,
         input_shape=[1, 3, resolution, resolution], output_shape=[1, len(classes)],
         labels=classes, max_abs_diff=max_abs_diff)
    return 0


if __name__ == "__main__":
    sys.exit(run_main(main))
