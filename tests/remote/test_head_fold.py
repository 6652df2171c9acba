"""Head-only features (issue 18): the backbone with BatchNorm folded computes the same features, faster.

The folded copy is used only to compute features; the model saved and exported keeps the
starting weights exactly, with its BatchNorm layers.
"""
from __future__ import annotations

import sys

import pytest
import torch
import torchvision

from tests.remote.test_dl_scripts import DL_SCRIPTS


@pytest.fixture()
def head_train(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(DL_SCRIPTS))
    import head_train as module
    return module


def test_folded_resnet_gives_the_same_features_and_leaves_the_model_untouched(head_train) -> None:
    torch.manual_seed(0)
    model = torchvision.models.resnet18()
    for module in model.modules():  # statistics far from the defaults, so folding matters
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.5, 2.0)
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.uniform_(-0.2, 0.2)
    model.fc = torch.nn.Identity()
    model.eval()
    before = {key: value.clone() for key, value in model.state_dict().items()}
    folded = head_train.fold_batchnorm(model)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in folded.modules())
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules()) == 20
    images = torch.randn(4, 3, 64, 64)
    with torch.inference_mode():
        expected, got = model(images), folded(images)
    assert (got - expected).abs().max() <= 1e-5 * expected.abs().max()
    assert all(torch.equal(before[key], value) for key, value in model.state_dict().items())


def test_other_architectures_are_used_as_they_are(head_train) -> None:
    model = torchvision.models.mobilenet_v3_small()
    assert head_train.fold_batchnorm(model) is model
