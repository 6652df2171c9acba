#!/usr/bin/env python3
"""Export the best checkpoint to an ONNX file the Jetson Nano can load, and prove it.

`onnx_export.py --model-dir=models/NAME/model [models/NAME]` writes `<arch>.onnx` and
`labels.txt` in the model dir. The file follows shared/NANO_FACTS.md: opset 11 by the
TorchScript exporter (the dynamo one may silently stay at opset 18, which old TensorRT
cannot parse), static 1x3xHxW input, tensors `input_0`/`output_0`, Softmax appended.
After writing it is checked (checker, opset read back, names, shapes, output count =
labels) and run with ONNX Runtime on real images against PyTorch; any mismatch fails
loudly and the previous ONNX file, if any, stays in place.

A head-only training (head_train.py) already holds the trained network in memory and runs
this same export and check at its end (export_checked), recording in `<arch>.onnx.json`
the SHA-256 of the checkpoint and of the checked file. Then this script only verifies both
digests and republishes the result, without importing torch again (seconds saved on a
laptop CPU); any difference and it exports and checks anew. Heavy modules (torch, onnx,
ONNX Runtime) are therefore imported inside the functions that need them.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from dl_common import (ArgumentParser, ScriptError, atomic_write_text, emit, ensure_writable_dir,  # noqa: E402
                       file_sha256, labels_text, run_main, say, set_cpu_threads)

if TYPE_CHECKING:
    import numpy as np
    from torch import nn

log = logging.getLogger(__name__)

OPSET = 11
INPUT_NAME = "input_0"
OUTPUT_NAME = "output_0"
MAX_ABS_DIFF = 1e-4
PARITY_IMAGES = 8  # real pictures through both runtimes: enough to catch an export error
BEST_CHECKPOINT = "model_best.pth.tar"  # dl_model's name, here without importing torch
STAMP_FORMAT = 1


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
    import numpy as np

    from nano_data import decode_rgb, list_images, nano_preprocess

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
    import torch

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
    import onnx

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
    """Largest |ONNX Runtime - PyTorch| over the images' probabilities (CPU, fp32).

    PyTorch runs the images as one batch first, then ONNX Runtime one by one as the Nano
    does, with its threads not spinning: two thread pools spinning on the same two cores
    made this check 5x slower than the export itself.
    """
    import numpy as np
    import onnxruntime
    import torch

    batch = np.ascontiguousarray(images, dtype=np.float32)
    with torch.inference_mode():
        expected = model(torch.from_numpy(batch)).numpy()
    options = onnxruntime.SessionOptions()
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    got = np.concatenate([session.run([OUTPUT_NAME], {INPUT_NAME: image[None]})[0] for image in batch])
    return float(np.abs(got - expected).max())


def stamp_path(onnx_path: Path) -> Path:
    """`<arch>.onnx.json`: which checkpoint the checked ONNX file was made from."""
    return onnx_path.with_name(onnx_path.name + ".json")


def export_checked(network: nn.Module, model_dir: Path, checkpoint: Path, arch: str, classes: list[str],
                   resolution: int, dataset: Path, epoch: Any = "?", stamp: bool = False,
                   times: dict[str, float] | None = None) -> dict[str, Any]:
    """Export network (Softmax included) next to checkpoint, check it, publish it.

    Returns the `export` event's fields. On any failed check the file is not kept and the
    previous one, if any, stays in place. stamp (the training's own export): record the
    digests for onnx_export.py; its own exports leave no stamp, so each run of it checks.
    times, if given, receives the seconds of each part (the benchmark prints them).
    """
    times = {} if times is None else times
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        times[name] = now - clock
        clock = now

    images = parity_images(dataset, classes, resolution)
    onnx_path = model_dir / f"{arch}.onnx"
    part = model_dir / f".{onnx_path.name}.part"
    say(f"exporting {arch} (epoch {epoch}, {len(classes)} classes, {resolution}x{resolution}) to "
        f"{onnx_path} at opset {OPSET}")
    try:
        lap("parity pictures")
        export(network, part, resolution)
        lap("export")
        check_onnx(part, resolution, len(classes))
        lap("checks")
        max_abs_diff = compare_with_torch(network, part, images)
        lap("ONNX Runtime vs PyTorch")
        if not max_abs_diff <= MAX_ABS_DIFF:
            raise ScriptError(f"ONNX Runtime differs from PyTorch by {max_abs_diff:.2e} "
                              f"(limit {MAX_ABS_DIFF:.0e}): the file was not kept")
        stamp_path(onnx_path).unlink(missing_ok=True)
        os.replace(part, onnx_path)
    finally:
        part.unlink(missing_ok=True)
    atomic_write_text(model_dir / "labels.txt", labels_text(classes))
    fields = {"onnx": str(onnx_path), "opset": OPSET, "input": INPUT_NAME, "output": OUTPUT_NAME,
              "input_shape": [1, 3, resolution, resolution], "output_shape": [1, len(classes)],
              "labels": classes, "max_abs_diff": max_abs_diff}
    if stamp:
        record = {"format": STAMP_FORMAT, "checkpoint": checkpoint.name,
                  "checkpoint_sha256": file_sha256(checkpoint), "onnx_sha256": file_sha256(onnx_path),
                  "export": fields}
        atomic_write_text(stamp_path(onnx_path), json.dumps(record))
    return fields


def already_checked(model_dir: Path, checkpoint: Path) -> dict[str, Any] | None:
    """The `export` fields recorded when this very checkpoint was exported and checked, else None.

    Both digests must match: the checkpoint's (the same trained network) and the ONNX
    file's (the same file that passed the checks).
    """
    for stamp_file in sorted(model_dir.glob("*.onnx.json")):
        try:
            stamp = json.loads(stamp_file.read_text(encoding="utf-8"))
            onnx_path = stamp_file.with_name(stamp_file.name[:-len(".json")])
            if (stamp.get("format") == STAMP_FORMAT and stamp.get("checkpoint") == checkpoint.name
                    and onnx_path.is_file() and checkpoint.is_file()
                    and stamp.get("checkpoint_sha256") == file_sha256(checkpoint)
                    and stamp.get("onnx_sha256") == file_sha256(onnx_path)):
                return dict(stamp["export"], onnx=str(onnx_path))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
    return None


def publish(fields: dict[str, Any]) -> None:
    """The closing lines and the `export` event (the same for a fresh and a recorded check)."""
    shape = fields["input_shape"]
    say(f"checked: opset {fields['opset']}, {fields['input']} {shape} -> {fields['output']} "
        f"{fields['output_shape']}, ONNX Runtime vs PyTorch max abs diff {fields['max_abs_diff']:.2e}")
    say(f"wrote {fields['onnx']} and {Path(fields['onnx']).with_name('labels.txt')}")
    emit("export", **fields)


def main(argv: list[str] | None = None) -> int:
    """Reuse the check made at the end of a head-only training, else load, export, check, publish."""
    args = parse_args(argv)
    model_dir = Path(args.model_dir)
    dataset = Path(args.dataset) if args.dataset else model_dir.resolve().parent
    checkpoint_path = model_dir / args.checkpoint
    recorded = already_checked(model_dir, checkpoint_path)
    if recorded is not None:
        classes = recorded["labels"]
        from nano_data import read_labels
        if (dataset / "labels.txt").is_file() and read_labels(dataset / "labels.txt") != classes:
            raise ScriptError(f"{dataset / 'labels.txt'} disagrees with the checkpoint's classes {classes}")
        ensure_writable_dir(model_dir)
        atomic_write_text(model_dir / "labels.txt", labels_text(classes))
        say(f"{Path(recorded['onnx']).name} was exported and checked from this very {args.checkpoint} "
            f"at the end of the training (SHA-256 of both files verified): not exported again")
        publish(recorded)
        return 0
    return export_from_checkpoint(model_dir, checkpoint_path, dataset)


def export_from_checkpoint(model_dir: Path, checkpoint_path: Path, dataset: Path) -> int:
    """The checkpoint rebuilt in PyTorch, exported, checked and published."""
    from torch import nn

    from dl_model import model_from_checkpoint, read_checkpoint
    from nano_data import read_labels

    checkpoint = read_checkpoint(checkpoint_path)
    classes: list[str] = checkpoint["classes"]
    resolution = int(checkpoint["resolution"])
    if (dataset / "labels.txt").is_file() and read_labels(dataset / "labels.txt") != classes:
        raise ScriptError(f"{dataset / 'labels.txt'} disagrees with the checkpoint's classes {classes}")
    ensure_writable_dir(model_dir)
    set_cpu_threads()
    network = nn.Sequential(model_from_checkpoint(checkpoint), nn.Softmax(dim=1)).eval()
    publish(export_checked(network, model_dir, checkpoint_path, checkpoint["arch"], classes, resolution,
                           dataset, checkpoint.get("epoch", "?")))
    return 0


if __name__ == "__main__":
    sys.exit(run_main(main))
