"""The DL-server scripts, run the way the app runs them: copied into a workdir, real torch/ORT.

One small model is trained once per module (3 colour classes, 32 px, resnet18 from scratch)
and shared by the export, evaluation and resume tests. Bad inputs each get their own
dataset and must end with one `error:` line, a non-zero exit and nothing saved destroyed.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest
import torch
from PIL import Image

from tests.media import CLASS_COLOURS, make_split_dataset
from tests.paths import REPO

DL_SCRIPTS = REPO / "dl_scripts"
MARKER = "@ai_nano "
CLASSES = sorted(CLASS_COLOURS)
FAST = ["--resolution", "32", "--arch", "resnet18", "--no-pretrained", "--batch-size", "16", "--workers", "2"]


class Run:
    """A finished script: exit status, stdout lines, parsed @ai_nano events."""

    def __init__(self, completed: subprocess.CompletedProcess) -> None:
        self.rc = completed.returncode
        self.output = completed.stdout
        self.lines = [line for line in completed.stdout.splitlines() if line.strip()]
        self.events = [json.loads(line[len(MARKER):]) for line in self.lines if line.startswith(MARKER)]

    def of(self, event: str) -> list[dict]:
        return [record for record in self.events if record["event"] == event]

    def __repr__(self) -> str:
        return f"rc={self.rc}\n{self.output[-3000:]}"


def run_script(workdir: Path, script: str, *args: str, env: dict[str, str] | None = None,
               timeout: float = 240) -> Run:
    """Run `python3 <script> args` with cwd = workdir, as the app does over SSH."""
    completed = subprocess.run([sys.executable, script, *args], cwd=workdir, env=env or os.environ.copy(),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    return Run(completed)


def run_in_process(workdir: Path, script: str, argv: list[str], capsys: pytest.CaptureFixture) -> Run:
    """Run a deployed script's main() in this process (no interpreter start-up: fast checks).

    Same contract as the command line: run_main turns failures into the last `error:` line.
    """
    if str(workdir) not in sys.path:
        sys.path.insert(0, str(workdir))
    import dl_common

    module = importlib.import_module(script.removesuffix(".py"))
    capsys.readouterr()
    try:
        rc = dl_common.run_main(module.main, argv)
    except SystemExit as stop:  # argparse errors
        rc = int(stop.code or 0)
    return Run(subprocess.CompletedProcess([script, *argv], rc, capsys.readouterr().out))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def deploy(workdir: Path) -> Path:
    """Copy the dl_scripts folder's files into workdir, like the app's deploy step."""
    workdir.mkdir(parents=True, exist_ok=True)
    for source in DL_SCRIPTS.glob("*.py"):
        shutil.copy2(source, workdir / source.name)
    return workdir


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return deploy(tmp_path_factory.mktemp("dl_server"))


@pytest.fixture(scope="module")
def trained(workdir: Path) -> tuple[Path, Run]:
    """models/demo trained once: 3 classes, 32 px, a few epochs from scratch."""
    make_split_dataset(workdir / "models/demo", CLASS_COLOURS, counts=(24, 8, 8))
    run = run_script(workdir, "train.py", "--model-dir=models/demo/model", "models/demo",
                     *FAST, "--epochs", "8", "--patience", "3", "--lr", "0.005")
    assert run.rc == 0, run
    return workdir / "models/demo/model", run


@pytest.fixture(scope="module")
def exported(workdir: Path, trained: tuple[Path, Run]) -> tuple[Path, Run]:
    model_dir, _ = trained
    run = run_script(workdir, "onnx_export.py", "--model-dir=models/demo/model")
    assert run.rc == 0, run
    return model_dir, run


def small_dataset(root: Path, classes: tuple[str, ...] = ("blue", "red")) -> Path:
    return make_split_dataset(root, {name: CLASS_COLOURS[name] for name in classes}, counts=(6, 2, 2))


# ---------------------------------------------------------------- training

def test_training_reaches_high_val_accuracy_and_reports_every_epoch(trained: tuple[Path, Run]) -> None:
    model_dir, run = trained
    start = run.of("start")[0]
    assert start["classes"] == CLASSES and start["train_images"] == 72 and start["val_images"] == 24
    assert start["device"] == "cpu" and start["resolution"] == 32 and start["epochs"] == 8
    epochs = run.of("epoch")
    assert [record["epoch"] for record in epochs] == list(range(1, len(epochs) + 1))
    for record in epochs:
        assert set(record) >= {"epoch", "epochs", "train_loss", "train_acc", "val_loss", "val_acc", "seconds",
                               "images_per_s", "best", "best_val_acc", "lr"}
        assert 0.0 <= record["val_acc"] <= 1.0 and record["images_per_s"] > 0
    end = run.of("end")[0]
    assert end["best_val_acc"] >= 0.9, run
    assert end["epochs_run"] == len(epochs)
    assert max(record["val_acc"] for record in epochs) == end["best_val_acc"]
    metrics = [json.loads(line) for line in (model_dir / "metrics.jsonl").read_text().splitlines()]
    assert metrics == [{k: v for k, v in record.items() if k != "event"} for record in epochs]
    assert (model_dir / "labels.txt").read_text() == "blue\nred\nyellow\n"
    best = torch.load(model_dir / "model_best.pth.tar", map_location="cpu", weights_only=True)
    assert best["classes"] == CLASSES and best["epoch"] == end["best_epoch"]
    assert any(line.startswith("epoch 1/8") for line in run.lines)  # the human line too


def test_early_stopping_stops_before_the_maximum(workdir: Path) -> None:
    small_dataset(workdir / "models/early")
    run = run_script(workdir, "train.py", "--model-dir=models/early/model", "models/early", *FAST,
                     "--epochs", "30", "--patience", "2", "--lr", "0.005")
    assert run.rc == 0, run
    end = run.of("end")[0]
    assert end["stopped_early"] is True and end["epochs_run"] < 30
    # it stopped exactly `patience` epochs after the last accuracy gain
    accuracies = [record["val_acc"] for record in run.of("epoch")]
    last_gain = max(i for i, acc in enumerate(accuracies) if acc > max(accuracies[:i], default=-1))
    assert len(accuracies) == last_gain + 1 + 2


def test_resume_continues_from_the_last_checkpoint(workdir: Path, trained: tuple[Path, Run]) -> None:
    model_dir, first = trained
    copy = workdir / "models/demo/resumed"
    shutil.copytree(model_dir, copy)
    done = first.of("end")[0]["epochs_run"]
    run = run_script(workdir, "train.py", "--model-dir=models/demo/resumed", "models/demo", *FAST,
                     "--epochs", str(done + 2), "--patience", "0", "--resume")
    assert run.rc == 0, run
    assert [record["epoch"] for record in run.of("epoch")] == [done + 1, done + 2]
    assert any(line.startswith(f"resuming after epoch {done}") for line in run.lines)
    assert len((copy / "metrics.jsonl").read_text().splitlines()) == done + 2
    assert run.of("end")[0]["best_val_acc"] >= first.of("end")[0]["best_val_acc"]


def test_fresh_run_keeps_the_previous_model(workdir: Path, trained: tuple[Path, Run]) -> None:
    model_dir, _ = trained
    copy = workdir / "models/demo/again"
    shutil.copytree(model_dir, copy)
    before = digest(copy / "model_best.pth.tar")
    (copy / "resnet18.onnx").write_bytes(b"the earlier model's export")
    run = run_script(workdir, "train.py", "--model-dir=models/demo/again", "models/demo", *FAST, "--epochs", "1")
    assert run.rc == 0, run
    kept = list(copy.glob("previous-*/model_best.pth.tar"))
    assert len(kept) == 1 and digest(kept[0]) == before
    assert (kept[0].parent / "resnet18.onnx").read_bytes() == b"the earlier model's export"
    assert not (copy / "resnet18.onnx").exists()  # a stale export must not sit beside the new model
    assert len((copy / "metrics.jsonl").read_text().splitlines()) == 1


def test_offline_pretrained_warns_once_and_trains_from_scratch(workdir: Path, tmp_path: Path) -> None:
    small_dataset(workdir / "models/offline")
    env = dict(os.environ, TORCH_HOME=str(tmp_path / "torch"))
    args = [a for a in FAST if a != "--no-pretrained"]
    run = run_script(workdir, "train.py", "--model-dir=models/offline/model", "models/offline", *args,
                     "--epochs", "1", env=env, timeout=120)
    assert run.rc == 0, run
    warnings = [line for line in run.lines if line.startswith("warning:")]
    assert len(warnings) == 1, run
    assert "--weights FILE" in warnings[0] and f"{tmp_path / 'torch' / 'hub' / 'checkpoints'}/" in warnings[0]
    assert "resnet18-f37072fd.pth" in warnings[0]
    assert any("weights: random (ImageNet weights unavailable)" in line for line in run.lines)


def test_weights_file_is_loaded_and_a_foreign_one_refused(workdir: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture) -> None:
    import torchvision

    small_dataset(workdir / "models/weights")
    imagenet_like = torchvision.models.resnet18(num_classes=1000)
    torch.save(imagenet_like.state_dict(), tmp_path / "resnet18.pth")
    run = run_script(workdir, "train.py", "--model-dir=models/weights/model", "models/weights", *FAST,
                     "--epochs", "1", "--weights", str(tmp_path / "resnet18.pth"))
    assert run.rc == 0, run
    assert any(f"weights: {tmp_path / 'resnet18.pth'}" in line for line in run.lines)
    torch.save(torchvision.models.mobilenet_v3_small().state_dict(), tmp_path / "other.pth")
    run = run_in_process(workdir, "train.py", [f"--model-dir={workdir / 'models/weights/model2'}",
                                               str(workdir / "models/weights"), *FAST, "--epochs", "1",
                                               "--weights", str(tmp_path / "other.pth")], capsys)
    assert run.rc == 1 and run.lines[-1].startswith("error: --weights") and "does not fit" in run.lines[-1]


# ---------------------------------------------------------------- export

def test_export_writes_a_nano_ready_onnx_file(exported: tuple[Path, Run], workdir: Path) -> None:
    model_dir, run = exported
    event = run.of("export")[0]
    assert event["opset"] == 11 and event["input"] == "input_0" and event["output"] == "output_0"
    assert event["max_abs_diff"] <= 1e-4
    onnx_path = model_dir / "resnet18.onnx"
    assert Path(workdir / event["onnx"]).resolve() == onnx_path.resolve()
    model = onnx.load(str(onnx_path))
    assert {entry.domain or "ai.onnx": entry.version for entry in model.opset_import}["ai.onnx"] == 11
    dims = [[d.dim_value for d in v.type.tensor_type.shape.dim] for v in (model.graph.input[0], model.graph.output[0])]
    assert dims == [[1, 3, 32, 32], [1, 3]]
    assert model.graph.node[-1].op_type == "Softmax"
    assert (model_dir / "labels.txt").read_text().splitlines() == CLASSES
    # Independent parity: ORT on a real test image vs the checkpoint in PyTorch.
    sys.path.insert(0, str(workdir))
    from dl_model import model_from_checkpoint, read_checkpoint
    from nano_data import decode_rgb, nano_preprocess

    network = model_from_checkpoint(read_checkpoint(model_dir / "model_best.pth.tar"))
    image = nano_preprocess(decode_rgb(workdir / "models/demo/test/red/00003.jpg"), 32)
    session = onnxruntime.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    got = session.run(["output_0"], {"input_0": image})[0]
    with torch.inference_mode():
        expected = torch.softmax(network(torch.from_numpy(image)), 1).numpy()
    assert np.abs(got - expected).max() <= 1e-4 and abs(got.sum() - 1) < 1e-5
    assert int(got.argmax()) == CLASSES.index("red")


def test_export_failing_its_parity_check_keeps_the_previous_file(exported: tuple[Path, Run], workdir: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture) -> None:
    model_dir, _ = exported
    before = digest(model_dir / "resnet18.onnx")
    monkeypatch.syspath_prepend(str(workdir))
    monkeypatch.chdir(workdir)
    import dl_common
    import onnx_export

    monkeypatch.setattr(onnx_export, "MAX_ABS_DIFF", 0.0)  # any float noise now fails the check
    monkeypatch.setattr(onnx_export, "compare_with_torch", lambda *a: 3e-7)
    rc = dl_common.run_main(onnx_export.main, ["--model-dir=models/demo/model"])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert rc == 1 and last.startswith("error: ONNX Runtime differs from PyTorch") and "not kept" in last
    assert digest(model_dir / "resnet18.onnx") == before
    assert not list(model_dir.glob(".*.part"))


# ---------------------------------------------------------------- evaluation

def test_evaluation_of_the_trained_model(exported: tuple[Path, Run], workdir: Path) -> None:
    model_dir, _ = exported
    run = run_script(workdir, "evaluate.py", "--model-dir=models/demo/model", "models/demo")
    assert run.rc == 0, run
    event = run.of("evaluation")[0]
    saved = json.loads((model_dir / "evaluation.json").read_text())
    assert {k: v for k, v in event.items() if k != "event"} == saved
    assert saved["classes"] == CLASSES and saved["images"] == 24 and saved["resolution"] == 32
    assert np.asarray(saved["confusion"]).sum() == 24 and np.trace(saved["confusion"]) == saved["correct"]
    assert saved["accuracy"] >= 0.9 and saved["model"] == "resnet18.onnx"
    assert any(line.startswith("test accuracy") for line in run.lines)


def channel_model_onnx(path: Path, resolution: int = 16) -> None:
    """A known-answer 'network': class 0 = blue wins when mean B > mean R, class 1 = red."""

    class ChannelVote(torch.nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            means = x.mean(dim=(2, 3))  # N x 3 (R, G, B), normalised
            return torch.softmax(torch.stack([means[:, 2], means[:, 0]], dim=1) * 10, dim=1)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the TorchScript exporter's notice
        torch.onnx.export(ChannelVote(), (torch.zeros(1, 3, resolution, resolution),), str(path), dynamo=False,
                          opset_version=11, input_names=["input_0"], output_names=["output_0"])


def evaluate_known_answer(workdir: Path, dataset: Path) -> Run:
    """evaluate.py on `dataset` with the known-answer 'network' (blue vs red by colour)."""
    model_dir = dataset / "model"
    model_dir.mkdir()
    channel_model_onnx(model_dir / "resnet18.onnx")
    (model_dir / "labels.txt").write_text("blue\nred\n")
    run = run_script(workdir, "evaluate.py", f"--model-dir={model_dir}", str(dataset))
    assert run.rc == 0, run
    return run


def test_evaluation_known_answer(tmp_path: Path, workdir: Path) -> None:
    dataset = small_dataset(tmp_path / "known")
    for i in range(2):  # two red images filed as blue: they must land in row blue, column red
        shutil.copy(dataset / "test/red" / f"0000{i + 1}.jpg", dataset / "test/blue" / f"9000{i}.jpg")
    (dataset / "test/red/broken.jpg").write_bytes(b"not a jpeg")
    run = evaluate_known_answer(workdir, dataset)
    result = run.of("evaluation")[0]
    assert result["confusion"] == [[2, 2], [0, 2]]
    assert result["images"] == 6 and result["correct"] == 4 and result["accuracy"] == round(4 / 6, 5)
    assert result["per_class"] == [{"label": "blue", "total": 4, "correct": 2, "accuracy": 0.5},
                                   {"label": "red", "total": 2, "correct": 2, "accuracy": 1.0}]
    assert result["resolution"] == 16
    assert any("broken.jpg" in line and line.startswith("warning:") for line in run.lines)


def test_evaluation_bad_inputs(tmp_path: Path, workdir: Path, capsys: pytest.CaptureFixture) -> None:
    dataset = small_dataset(tmp_path / "eval_bad")
    model_dir = tmp_path / "eval_bad/model"
    model_dir.mkdir()
    (model_dir / "labels.txt").write_text("blue\nred\n")
    argv = [f"--model-dir={model_dir}", str(dataset)]
    run = run_in_process(workdir, "evaluate.py", argv, capsys)
    assert run.rc == 1 and run.lines[-1].startswith("error: no ONNX file"), run
    channel_model_onnx(model_dir / "resnet18.onnx")
    (dataset / "test/green").mkdir()
    run = run_in_process(workdir, "evaluate.py", argv, capsys)
    assert run.rc == 1 and "['green']" in run.lines[-1] and run.lines[-1].startswith("error:"), run
    assert not (model_dir / "evaluation.json").exists()


# ---------------------------------------------------------------- bad input

def _remove_files(folder: Path) -> None:
    for path in folder.iterdir():
        path.unlink()


BREAKERS = {
    "missing train/": (lambda d: shutil.rmtree(d / "train"), "has no train/ folder"),
    "missing val/": (lambda d: shutil.rmtree(d / "val"), "has no val/ folder"),
    "empty class in train": (lambda d: _remove_files(d / "train/red"), "class 'red' has no readable image"),
    "empty class in val": (lambda d: _remove_files(d / "val/blue"), "class 'blue' has no readable image"),
    "only corrupt images in a class": (
        lambda d: [p.write_bytes(b"garbage") for p in (d / "val/red").iterdir()], "class 'red' has no readable"),
    "fewer than 2 classes": (lambda d: [shutil.rmtree(d / s / "red") for s in ("train", "val", "test")]
                             or (d / "labels.txt").write_text("blue\n"), "needs at least 2"),
    "labels.txt disagrees": (lambda d: (d / "labels.txt").write_text("red\nblue\n"), "labels.txt lists"),
    "val classes differ": (lambda d: (d / "val/green").mkdir(), "differ from train/ classes"),
}


@pytest.mark.parametrize("case", sorted(BREAKERS))
def test_bad_dataset_fails_in_one_line_and_keeps_the_saved_model(case: str, tmp_path: Path, workdir: Path,
                                                                 capsys: pytest.CaptureFixture) -> None:
    breaker, reason = BREAKERS[case]
    dataset = small_dataset(tmp_path / "bad")
    breaker(dataset)
    model_dir = dataset / "model"
    model_dir.mkdir()
    (model_dir / "model_best.pth.tar").write_bytes(b"an earlier model")
    argv = [f"--model-dir={model_dir}", str(dataset), *FAST, "--epochs", "1"]
    if case == "missing train/":  # once through the real command line
        run = run_script(workdir, "train.py", *argv)
    else:
        run = run_in_process(workdir, "train.py", argv, capsys)
    assert run.rc == 1, run
    assert run.lines[-1].startswith("error: ") and reason in run.lines[-1], run
    assert "Traceback" not in run.output
    assert (model_dir / "model_best.pth.tar").read_bytes() == b"an earlier model"
    assert sorted(p.name for p in model_dir.iterdir()) == ["model_best.pth.tar"]


@pytest.mark.parametrize("args, reason, code", [
    (["--epochs", "0"], "error: --epochs must be at least 1", 2),
    (["--resume"], "error: no checkpoint", 1),
    (["--arch", "nonsense"], "error: unknown --arch 'nonsense'", 1),
    (["--weights", "/nonexistent.pth"], "error: --weights /nonexistent.pth: no such file", 1),
])
def test_bad_options(args: list[str], reason: str, code: int, tmp_path: Path, workdir: Path,
                     capsys: pytest.CaptureFixture) -> None:
    dataset = small_dataset(tmp_path / "opts")
    run = run_in_process(workdir, "train.py", [f"--model-dir={dataset / 'model'}", str(dataset), *FAST, *args], capsys)
    assert run.rc == code and run.lines[-1].startswith(reason), run


def test_cuda_requested_without_cuda(tmp_path: Path, workdir: Path, capsys: pytest.CaptureFixture) -> None:
    if torch.cuda.is_available():
        pytest.skip("this computer has CUDA: the no-CUDA message cannot be produced")
    dataset = small_dataset(tmp_path / "cuda")
    run = run_in_process(workdir, "train.py", [f"--model-dir={dataset / 'model'}", str(dataset), *FAST,
                                               "--device", "cuda"], capsys)
    assert run.rc == 1 and run.lines[-1] == "error: --device cuda: this computer has no usable CUDA GPU", run


def test_model_dir_not_writable(tmp_path: Path, workdir: Path, capsys: pytest.CaptureFixture) -> None:
    dataset = small_dataset(tmp_path / "ro")
    (tmp_path / "a_file").write_text("not a folder")  # tests run as root: a file in the path is what blocks
    run = run_in_process(workdir, "train.py", [f"--model-dir={tmp_path / 'a_file' / 'model'}", str(dataset), *FAST],
                         capsys)
    assert run.rc == 1 and run.lines[-1].startswith(f"error: model dir {tmp_path / 'a_file' / 'model'} is not writable")


def test_corrupt_and_non_image_files_are_skipped_with_a_warning(tmp_path: Path, workdir: Path,
                                                                capsys: pytest.CaptureFixture) -> None:
    dataset = small_dataset(tmp_path / "corrupt")
    (dataset / "train/red/00099.jpg").write_bytes(b"\xff\xd8 truncated jpeg")
    (dataset / "train/blue/notes.txt").write_text("not an image")
    run = run_in_process(workdir, "train.py", [f"--model-dir={dataset / 'model'}", str(dataset), *FAST, "--epochs", "1"],
                         capsys)
    assert run.rc == 0, run
    warned = [line for line in run.lines if line.startswith("warning: skipping")]
    assert len(warned) == 2 and any("00099.jpg" in line for line in warned) and any("notes.txt" in line for line in warned)
    assert run.of("start")[0]["train_images"] == 12


def _train_in_process(workdir: Path, dataset: Path, monkeypatch: pytest.MonkeyPatch, fail_above: int) -> int:
    """train.main with train_step raising out-of-memory for batches larger than fail_above."""
    monkeypatch.syspath_prepend(str(workdir))
    import dl_common
    import fine_tune
    import train

    real_step = fine_tune.train_step

    def step(trainer, inputs, target):  # type: ignore[no-untyped-def]
        if len(target) > fail_above:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real_step(trainer, inputs, target)

    monkeypatch.setattr(fine_tune, "train_step", step)
    return dl_common.run_main(train.main, [f"--model-dir={dataset / 'model'}", str(dataset), *FAST,
                                           "--batch-size", "12", "--epochs", "1"])


def test_out_of_memory_retries_with_a_smaller_batch(tmp_path: Path, workdir: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture) -> None:
    dataset = small_dataset(tmp_path / "oom")
    assert _train_in_process(workdir, dataset, monkeypatch, fail_above=4) == 0
    out = capsys.readouterr().out
    assert "at batch size 12: running the epoch again with --batch-size 6" in out
    assert "at batch size 6: running the epoch again with --batch-size 3" in out
    assert '"event": "end"' in out


def test_out_of_memory_at_batch_one_fails_cleanly(tmp_path: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture) -> None:
    dataset = small_dataset(tmp_path / "oom1")
    assert _train_in_process(workdir, dataset, monkeypatch, fail_above=0) == 1
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("error: out of memory on this computer even with batch size 1")


def test_images_are_decoded_once_and_resized_like_the_nano(workdir: Path) -> None:
    sys.path.insert(0, str(workdir))
    from nano_data import nano_resize

    frame = np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3)
    # jetson-inference reads source pixel (x * in_w // out_w, y * in_h // out_h)
    out = nano_resize(frame, 3, 2)
    assert out.shape == (2, 3, 3)
    assert (out == frame[[0, 2]][:, [0, 2, 4]]).all()
    assert Image.fromarray(out).size == (3, 2)


def test_same_seed_same_run(tmp_path: Path, workdir: Path, capsys: pytest.CaptureFixture) -> None:
    dataset = small_dataset(tmp_path / "seed")
    runs = [run_in_process(workdir, "train.py", [f"--model-dir={dataset / name}", str(dataset), *FAST,
                                                 "--epochs", "2", "--seed", seed], capsys)
            for name, seed in (("a", "7"), ("b", "7"), ("c", "8"))]
    losses = [[(r["train_loss"], r["val_loss"]) for r in run.of("epoch")] for run in runs]
    assert all(run.rc == 0 for run in runs)
    assert losses[0] == losses[1] and losses[0] != losses[2]


def test_imagenet_weights_are_taken_from_the_torch_cache(tmp_path: Path, workdir: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture) -> None:
    import torchvision

    cache = tmp_path / "torch/hub/checkpoints"
    cache.mkdir(parents=True)
    torch.save(torchvision.models.resnet18(num_classes=1000).state_dict(), cache / "resnet18-f37072fd.pth")
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    dataset = small_dataset(tmp_path / "cached")
    args = [a for a in FAST if a != "--no-pretrained"]
    run = run_in_process(workdir, "train.py", [f"--model-dir={dataset / 'model'}", str(dataset), *args,
                                               "--epochs", "1"], capsys)
    assert run.rc == 0, run
    assert any("weights: ImageNet" in line for line in run.lines) and "warning" not in run.output


def test_diverging_training_stops_with_a_reason(tmp_path: Path, workdir: Path, capsys: pytest.CaptureFixture,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(workdir))
    import fine_tune

    real_step = fine_tune.train_step

    def exploding_step(trainer, inputs, target):  # type: ignore[no-untyped-def]
        with torch.no_grad():  # what a too-large learning rate ends in: non-finite weights
            next(trainer.model.parameters()).fill_(float("inf"))
        return real_step(trainer, inputs, target)

    monkeypatch.setattr(fine_tune, "train_step", exploding_step)
    dataset = small_dataset(tmp_path / "diverge")
    run = run_in_process(workdir, "train.py", [f"--model-dir={dataset / 'model'}", str(dataset), *FAST,
                                               "--epochs", "3"], capsys)
    assert run.rc == 1 and run.lines[-1].startswith("error: training diverged at epoch 1"), run
