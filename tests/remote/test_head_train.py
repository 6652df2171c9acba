"""Head-only training (issue 18): train.py --mode head|auto|full, the feature cache, the export.

Run the way the app runs it: dl_scripts copied into a workdir, real torch and ONNX Runtime.
"Pretrained" weights here are a saved ResNet-18 (random but fixed): what matters is that
the backbone is frozen at exactly those weights, the head learns, the features are cached
by picture content, and the exported network is the whole ResNet-18.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime
import pytest
import torch
import torchvision

from core import config
from core import jobs
from tests.media import CLASS_COLOURS, make_frame, make_split_dataset
from tests.remote.test_dl_scripts import Run, deploy, run_script

HEAD = ["--resolution", "32", "--arch", "resnet18", "--workers", "2", "--seed", "0"]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = deploy(tmp_path_factory.mktemp("dl_head"))
    torch.manual_seed(1)
    torch.save(torchvision.models.resnet18().state_dict(), folder / "start.pth")
    return folder


@pytest.fixture(scope="module")
def head_run(workdir: Path) -> tuple[Path, Run]:
    make_split_dataset(workdir / "models/h", CLASS_COLOURS, counts=(16, 6, 4))
    run = run_script(workdir, "train.py", "--model-dir=models/h/model", "models/h", *HEAD,
                     "--weights", "start.pth", "--epochs", "40", "--patience", "40", timeout=600)
    assert run.rc == 0, run
    return workdir / "models/h/model", run


def computed(run: Run) -> int:
    """How many pictures went through the backbone (the 'features of ...' line)."""
    line = next(line for line in run.lines if line.startswith("features of "))
    return int(line.split(": ")[1].split(" computed")[0])


def test_auto_mode_on_a_cpu_with_weights_trains_the_head_only(head_run: tuple[Path, Run], workdir: Path) -> None:
    model_dir, run = head_run
    start = run.of("start")[0]
    assert start["mode"] == "head" and "no GPU" in start["mode_reason"]
    assert start["train_images"] == 48 and start["val_images"] == 18
    assert any(line.startswith("training mode: head-only (auto: no GPU") for line in run.lines)
    epochs = run.of("epoch")
    assert len(epochs) == 40 and run.of("end")[0]["best_val_acc"] >= 0.9, run
    # a fixed schedule, the last head kept (not an epoch picked on a few val pictures)
    assert run.of("end")[0]["best_epoch"] == 40 and not run.of("end")[0]["stopped_early"]
    assert [e["best"] for e in epochs] == [False] * 39 + [True]
    # metrics.jsonl keeps the format of a full fine-tuning (the window's curves)
    records = [json.loads(line) for line in (model_dir / "metrics.jsonl").read_text().splitlines()]
    assert records == [{k: v for k, v in e.items() if k != "event"} for e in epochs]
    assert set(records[0]) == {"epoch", "epochs", "train_loss", "train_acc", "val_loss", "val_acc", "seconds",
                               "images_per_s", "best", "best_val_acc", "lr"}
    # the backbone is exactly the starting weights; only the head changed
    start_weights = torch.load(workdir / "start.pth", weights_only=True)
    saved = torch.load(model_dir / "model_best.pth.tar", weights_only=True)
    assert saved["classes"] == sorted(CLASS_COLOURS) and saved["mode"] == "head"
    for key, value in saved["state_dict"].items():
        if not key.startswith("fc."):
            assert torch.equal(value, start_weights[key]), key
    assert saved["state_dict"]["fc.weight"].shape == (3, 512)
    assert not (model_dir / "checkpoint.pth.tar").exists()


def test_the_head_model_exports_as_a_whole_resnet18(head_run: tuple[Path, Run], workdir: Path) -> None:
    model_dir, _ = head_run
    run = run_script(workdir, "onnx_export.py", "--model-dir=models/h/model")
    assert run.rc == 0, run
    session = onnxruntime.InferenceSession(str(model_dir / "resnet18.onnx"), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["input_0"]
    assert [o.name for o in session.get_outputs()] == ["output_0"]
    assert len(session.get_outputs()[0].shape) == 2 and session.get_outputs()[0].shape[1] == 3
    assert (model_dir / "labels.txt").read_text() == "".join(f"{c}\n" for c in sorted(CLASS_COLOURS))
    # the ONNX graph holds the whole ResNet-18: about 11 M parameters, not a 1.5 k head
    import onnx
    graph = onnx.load(str(model_dir / "resnet18.onnx")).graph
    assert sum(int(np.prod(t.dims)) for t in graph.initializer) > 10_000_000


def test_a_retraining_computes_features_of_new_pictures_only(head_run: tuple[Path, Run], workdir: Path) -> None:
    _, first = head_run
    assert computed(first) == 48 + 18
    added = workdir / "models/h/train/red/added.jpg"
    from PIL import Image
    Image.fromarray(make_frame(CLASS_COLOURS["red"], 999, (96, 72))[:, :, ::-1]).save(added)
    (workdir / "models/h/train/red/00001.jpg").rename(workdir / "models/h/train/red/renamed.jpg")
    again = run_script(workdir, "train.py", "--model-dir=models/h/model", "models/h", *HEAD,
                       "--weights", "start.pth", "--epochs", "2")
    assert again.rc == 0, again
    assert computed(again) == 1  # the renamed picture is found by its content
    assert again.of("start")[0]["train_images"] == 49
    assert any(line.startswith("an earlier training of this model was kept in") for line in again.lines)
    mirrored = run_script(workdir, "train.py", "--model-dir=models/h/model", "models/h", *HEAD,
                          "--weights", "start.pth", "--epochs", "2", "--head-views", "2")
    assert mirrored.rc == 0, mirrored
    assert computed(mirrored) == 49  # the mirror view of each train picture; val needs none
    assert mirrored.of("start")[0]["train_images"] == 49


def test_other_weights_do_not_reuse_the_cache(head_run: tuple[Path, Run], workdir: Path) -> None:
    torch.manual_seed(2)
    torch.save(torchvision.models.resnet18().state_dict(), workdir / "other.pth")
    run = run_script(workdir, "train.py", "--model-dir=models/h/model", "models/h", *HEAD,
                     "--weights", "other.pth", "--epochs", "1")
    assert run.rc == 0, run
    assert computed(run) == 49 + 18


def test_auto_without_pretrained_weights_fine_tunes_the_whole_network(tmp_path: Path) -> None:
    workdir = deploy(tmp_path / "w")
    make_split_dataset(workdir / "models/f", CLASS_COLOURS, counts=(6, 3, 1))
    run = run_script(workdir, "train.py", "--model-dir=models/f/model", "models/f", *HEAD,
                     "--no-pretrained", "--epochs", "1")
    assert run.rc == 0, run
    start = run.of("start")[0]
    assert start["mode"] == "full" and "no pretrained weights" in start["mode_reason"]
    assert (workdir / "models/f/model/checkpoint.pth.tar").exists()
    head = run_script(workdir, "train.py", "--model-dir=models/f/model", "models/f", *HEAD,
                      "--no-pretrained", "--mode", "head")
    assert head.rc == 1 and head.lines[-1].startswith("error: --mode head needs pretrained weights"), head
    bad = run_script(workdir, "train.py", "--model-dir=models/f/model", "models/f", "--mode", "fast")
    assert bad.rc == 2 and bad.lines[-1].startswith("error: argument --mode: invalid choice"), bad


def test_choose_mode_prefers_full_fine_tuning_on_a_gpu(monkeypatch: pytest.MonkeyPatch, workdir: Path) -> None:
    monkeypatch.syspath_prepend(str(workdir))
    import training

    cuda, cpu = torch.device("cuda"), torch.device("cpu")
    assert training.choose_mode("auto", cuda, True, False)[0] == "full"
    assert "GPU" in training.choose_mode("auto", cuda, True, False)[1]
    assert training.choose_mode("auto", cpu, True, False)[0] == "head"
    assert training.choose_mode("auto", cpu, True, True) == ("full", "resuming a full fine-tuning from its checkpoint")
    assert training.choose_mode("head", cuda, True, False)[0] == "head"
    assert training.choose_mode("full", cpu, True, False)[0] == "full"


def test_config_training_mode_reaches_train_py(tmp_path: Path) -> None:
    def load(training: dict) -> config.Config:
        path = tmp_path / "config.json"
        dl_server = {"name": "DL", "ip": "local", "workdir": str(tmp_path / "dl")}
        path.write_text(json.dumps({"DL_server": dl_server, "training": training}))
        return config.load_config(path)

    assert load({}).training.mode == "auto"
    settings = load({"mode": "head"}).training
    assert settings.mode == "head"
    assert jobs.train_argv("py", "m", settings)[-1] == "--mode=head"
    assert not any(a.startswith("--mode=") for a in jobs.train_argv("py", "m", load({}).training))
    with pytest.raises(config.ConfigError, match="training.mode must be one of auto, head, full, not 'fast'"):
        load({"mode": "fast"})



def test_the_standardised_head_is_folded_into_a_plain_linear_layer(monkeypatch: pytest.MonkeyPatch,
                                                                   workdir: Path) -> None:
    monkeypatch.syspath_prepend(str(workdir))
    import head_train

    features = torch.rand(50, 512) * torch.linspace(0.1, 5.0, 512)
    mean, std = head_train.standardise(features)
    head = torch.nn.Linear(512, 3)
    folded = head_train.fold_standardisation(head.state_dict(), mean, std)
    plain = torch.nn.Linear(512, 3)
    plain.load_state_dict(folded)
    with torch.no_grad():
        assert torch.allclose(plain(features), head((features - mean) / std), atol=1e-4)
