"""Full fine-tuning's two recipes (issue 18), run as the app runs train.py.

From pretrained weights: the last layer is fitted on the frozen features first, BatchNorm
keeps its statistics, AdamW's rate rises over the first epoch, and --resume keeps that
recipe. From random weights: SGD, BatchNorm learning its statistics, no head fitted first.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import torch
import torchvision

from core.protocol import TrainingSetup, parse_training_setup
from tests.media import CLASS_COLOURS, make_split_dataset
from tests.remote.test_dl_scripts import deploy, run_in_process, run_script
from tests.remote.test_head_train import computed

ARGS = ["--resolution", "32", "--arch", "resnet18", "--workers", "2", "--seed", "0", "--mode", "full"]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = deploy(tmp_path_factory.mktemp("dl_fine_tune"))
    torch.manual_seed(1)
    torch.save(torchvision.models.resnet18().state_dict(), folder / "start.pth")
    make_split_dataset(folder / "models/f", CLASS_COLOURS, counts=(16, 6, 4))
    return folder


def batchnorm_statistics(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {key: value for key, value in state.items() if key.endswith(("running_mean", "running_var"))}


def test_pretrained_weights_fit_the_last_layer_first_and_keep_batchnorm_statistics(workdir: Path) -> None:
    run = run_script(workdir, "train.py", "--model-dir=models/f/pre", "models/f", *ARGS,
                     "--weights", "start.pth", "--epochs", "2", "--patience", "0", timeout=600)
    assert run.rc == 0, run
    setup = next(parse_training_setup(line) for line in run.lines if line.startswith("training resnet18"))
    assert setup == TrainingSetup("cpu", "start.pth (120 tensors)", None)  # the window reads it
    assert any("lr 0.0001 (AdamW)" in line for line in run.lines), run
    fitted = next(i for i, line in enumerate(run.lines) if line.startswith("head trained in"))
    first_epoch = next(i for i, line in enumerate(run.lines) if line.startswith("epoch 1/2"))
    assert fitted < first_epoch
    # the fitted head already separates the colours before the backbone moves
    assert float(re.search(r"val accuracy ([\d.]+)%", run.lines[fitted]).group(1)) >= 90, run
    start = torch.load(workdir / "start.pth", weights_only=True)
    saved = torch.load(workdir / "models/f/pre/checkpoint.pth.tar", weights_only=True)["state_dict"]
    statistics = batchnorm_statistics(start)
    assert statistics and all(torch.equal(saved[key], value) for key, value in statistics.items())
    assert not torch.equal(saved["conv1.weight"], start["conv1.weight"])  # the backbone did learn
    assert not torch.equal(saved["bn1.weight"], start["bn1.weight"])  # and BatchNorm's scale
    # --resume continues with the same recipe and does not fit the head again
    resumed = run_script(workdir, "train.py", "--model-dir=models/f/pre", "models/f", *ARGS,
                         "--resume", "--epochs", "3", "--patience", "0", timeout=600)
    assert resumed.rc == 0, resumed
    assert any("lr 0.0001 (AdamW)" in line for line in resumed.lines), resumed
    assert any(line.startswith("resuming after epoch 2") for line in resumed.lines), resumed
    assert not any(line.startswith("head trained in") for line in resumed.lines), resumed
    saved = torch.load(workdir / "models/f/pre/checkpoint.pth.tar", weights_only=True)["state_dict"]
    assert all(torch.equal(saved[key], value) for key, value in statistics.items())
    # the features computed for the first fit are cached: a head-only training computes none
    head = run_script(workdir, "train.py", "--model-dir=models/f/pre", "models/f", *ARGS[:-1], "head",
                      "--weights", "start.pth", "--epochs", "2")
    assert head.rc == 0 and computed(head) == 0, head


def test_random_weights_train_with_sgd_and_batchnorm_learning(workdir: Path) -> None:
    run = run_script(workdir, "train.py", "--model-dir=models/f/scratch", "models/f", *ARGS,
                     "--no-pretrained", "--epochs", "1")
    assert run.rc == 0, run
    assert any("lr 0.01 (SGD)" in line for line in run.lines), run
    assert not any(line.startswith("head trained in") for line in run.lines), run
    saved = torch.load(workdir / "models/f/scratch/checkpoint.pth.tar", weights_only=True)["state_dict"]
    assert saved["bn1.running_mean"].abs().sum() > 0  # torchvision starts it at zero


def test_the_learning_rate_rises_over_the_first_epoch(workdir: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture) -> None:
    monkeypatch.syspath_prepend(str(workdir))
    import fine_tune

    rates: list[float] = []
    real_step = fine_tune.train_step

    def step(trainer, inputs, target):  # type: ignore[no-untyped-def]
        rates.append(trainer.optimizer.param_groups[0]["lr"])
        return real_step(trainer, inputs, target)

    monkeypatch.setattr(fine_tune, "train_step", step)
    run = run_in_process(workdir, "train.py", [f"--model-dir={workdir / 'models/f/warm'}", str(workdir / "models/f"),
                                               *ARGS, "--weights", str(workdir / "start.pth"), "--epochs", "2",
                                               "--patience", "0", "--batch-size", "8"], capsys)
    assert run.rc == 0, run
    steps = 48 // 8
    assert rates[:steps] == pytest.approx([1e-4 * (i + 1) / steps for i in range(steps)])
    # then the cosine schedule: half the start rate in the second of two epochs
    assert rates[steps:] == pytest.approx([1e-4 * (1 + math.cos(math.pi / 2)) / 2] * steps)


def test_a_last_layer_that_is_not_linear_starts_untrained_with_a_warning(workdir: Path,
                                                                         monkeypatch: pytest.MonkeyPatch,
                                                                         capsys: pytest.CaptureFixture) -> None:
    monkeypatch.syspath_prepend(str(workdir))
    import train

    args = train.parse_args([str(workdir / "models/f"), f"--model-dir={workdir / 'models/f/squeeze'}",
                             "--arch", "squeezenet1_0"])
    model = torchvision.models.squeezenet1_0(num_classes=3)  # its classifier is a convolution
    before = {key: value.clone() for key, value in model.state_dict().items()}
    train.fit_last_layer(args, model, sorted(CLASS_COLOURS), torch.device("cpu"))
    out = capsys.readouterr().out
    assert "warning: the last layer of squeezenet1_0 is not a Linear layer: it starts untrained" in out
    assert all(torch.equal(value, before[key]) for key, value in model.state_dict().items())
