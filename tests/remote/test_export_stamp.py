"""A head-only training ends with a checked ONNX file; onnx_export.py then reuses that check (issue 18).

train.py --mode head exports and checks the network it holds in memory and stamps the file
with the SHA-256 of the checkpoint and of the ONNX file; onnx_export.py (step 6) republishes
it without importing torch when both digests match, and exports anew when either differs
(its own exports leave no stamp: each later run checks again).
Run the way the app runs them: dl_scripts copied into a workdir, real torch and ONNX Runtime.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime
import pytest
import torch
import torchvision

from tests.media import CLASS_COLOURS, make_split_dataset
from tests.remote.test_dl_scripts import Run, deploy, run_script

HEAD = ["--resolution", "32", "--arch", "resnet18", "--workers", "2", "--seed", "0", "--mode", "head",
        "--weights", "start.pth", "--epochs", "3"]
REUSED = "was exported and checked from this very model_best.pth.tar"


@pytest.fixture()
def trained(tmp_path: Path) -> tuple[Path, Run]:
    workdir = deploy(tmp_path / "w")
    torch.manual_seed(1)
    torch.save(torchvision.models.resnet18().state_dict(), workdir / "start.pth")
    make_split_dataset(workdir / "models/s", CLASS_COLOURS, counts=(8, 3, 3))
    run = run_script(workdir, "train.py", "--model-dir=models/s/model", "models/s", *HEAD, timeout=600)
    assert run.rc == 0, run
    return workdir, run


def probabilities(onnx_path: Path, image: np.ndarray) -> np.ndarray:
    session = onnxruntime.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    return session.run(["output_0"], {"input_0": image})[0]


def test_the_training_leaves_a_checked_file_that_the_export_reuses(trained: tuple[Path, Run]) -> None:
    workdir, train = trained
    model_dir = workdir / "models/s/model"
    assert any(line.startswith("exported and checked ") for line in train.lines), train
    stamp = json.loads((model_dir / "resnet18.onnx.json").read_text())
    assert stamp["checkpoint"] == "model_best.pth.tar" and stamp["export"]["max_abs_diff"] <= 1e-4
    before = (model_dir / "resnet18.onnx").stat().st_mtime_ns
    run = run_script(workdir, "onnx_export.py", "--model-dir=models/s/model")
    assert run.rc == 0, run
    assert any(REUSED in line for line in run.lines) and not any(line.startswith("exporting") for line in run.lines)
    event = run.of("export")[0]
    assert event["opset"] == 11 and event["input"] == "input_0" and event["output"] == "output_0"
    assert event["input_shape"] == [1, 3, 32, 32] and event["output_shape"] == [1, 3]
    assert event["labels"] == sorted(CLASS_COLOURS)
    assert Path(workdir / event["onnx"]).resolve() == (model_dir / "resnet18.onnx").resolve()
    assert (model_dir / "resnet18.onnx").stat().st_mtime_ns == before
    assert (model_dir / "labels.txt").read_text() == "".join(f"{c}\n" for c in sorted(CLASS_COLOURS))
    # the reused file is the trained network: ONNX Runtime agrees with the checkpoint in PyTorch
    import sys
    sys.path.insert(0, str(workdir))
    from dl_model import model_from_checkpoint, read_checkpoint
    from nano_data import decode_rgb, nano_preprocess

    network = model_from_checkpoint(read_checkpoint(model_dir / "model_best.pth.tar"))
    image = nano_preprocess(decode_rgb(workdir / "models/s/test/red/00001.jpg"), 32)
    with torch.inference_mode():
        expected = torch.softmax(network(torch.from_numpy(image)), 1).numpy()
    assert np.abs(probabilities(model_dir / "resnet18.onnx", image) - expected).max() <= 1e-4


@pytest.mark.parametrize("changed", ["checkpoint", "onnx"])
def test_a_changed_checkpoint_or_file_is_exported_and_checked_anew(trained: tuple[Path, Run],
                                                                   changed: str) -> None:
    workdir, _ = trained
    model_dir = workdir / "models/s/model"
    if changed == "checkpoint":  # another head: the stamp no longer describes this checkpoint
        checkpoint = torch.load(model_dir / "model_best.pth.tar", weights_only=True)
        checkpoint["state_dict"]["fc.bias"] = torch.tensor([1000.0, -1000.0, 0.0])
        torch.save(checkpoint, model_dir / "model_best.pth.tar")
    else:  # the checked file replaced by another one
        (model_dir / "resnet18.onnx").write_bytes(b"not the checked file")
    run = run_script(workdir, "onnx_export.py", "--model-dir=models/s/model")
    assert run.rc == 0, run
    assert not any(REUSED in line for line in run.lines)
    assert any(line.startswith("exporting resnet18") for line in run.lines), run
    assert run.of("export")[0]["max_abs_diff"] <= 1e-4
    image = np.zeros((1, 3, 32, 32), dtype=np.float32)
    scores = probabilities(model_dir / "resnet18.onnx", image)
    if changed == "checkpoint":  # the new bias dominates: the file holds the changed network
        assert int(scores.argmax()) == 0
    # the stale stamp is gone: the next export checks again rather than trusting a record
    assert not (model_dir / "resnet18.onnx.json").exists()
    again = run_script(workdir, "onnx_export.py", "--model-dir=models/s/model")
    assert again.rc == 0 and not any(REUSED in line for line in again.lines), again
