"""Networks and checkpoints shared by train.py, onnx_export.py and evaluate.py.

One place builds a torchvision classifier with the right number of outputs, loads
backbone weights into it (ImageNet file or the user's `--weights FILE`), and reads our
checkpoints on any device (`map_location`), so a model trained on a GPU exports on a CPU.
"""
from __future__ import annotations

import logging
import os
import re
import socket
import threading
from pathlib import Path
from typing import Any

import torch
import torchvision
from torch import nn

from dl_common import ScriptError, warn

log = logging.getLogger(__name__)

BEST_CHECKPOINT = "model_best.pth.tar"
LAST_CHECKPOINT = "checkpoint.pth.tar"
DOWNLOAD_TIMEOUT_S = 20.0


def classification_archs() -> list[str]:
    """torchvision's classification model names (resnet18, mobilenet_v3_small, ...)."""
    return sorted(torchvision.models.list_models(module=torchvision.models))


def build_model(arch: str, num_classes: int) -> nn.Module:
    """A freshly initialised torchvision classifier with num_classes outputs."""
    if arch not in classification_archs():
        raise ScriptError(f"unknown --arch {arch!r}: use a torchvision classifier such as "
                          "resnet18, resnet50, mobilenet_v3_small or efficientnet_b0")
    return torchvision.models.get_model(arch, weights=None, num_classes=num_classes)


def head_prefix(model: nn.Module, num_classes: int) -> str:
    """State-dict prefix of the last layer giving the class scores (its shape is ours)."""
    last = ""
    for name, module in model.named_modules():
        if isinstance(module, nn.Linear) and module.out_features == num_classes:
            last = name
        elif isinstance(module, nn.Conv2d) and module.out_channels == num_classes:
            last = name
    return f"{last}." if last else "\0"


def load_backbone(model: nn.Module, state: dict[str, Any], num_classes: int, source: str) -> int:
    """Copy every matching tensor of `state` into model, except the class head.

    Every backbone tensor must be found with the right shape, otherwise the file belongs to
    another architecture and training would silently start half from scratch.
    """
    if "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    state = {re.sub(r"^(module\.|_orig_mod\.)", "", key): value for key, value in state.items()}
    own = model.state_dict()
    head = head_prefix(model, num_classes)
    usable = {key: value for key, value in state.items()
              if key in own and not key.startswith(head) and tuple(value.shape) == tuple(own[key].shape)}
    missing = [key for key in own if not key.startswith(head) and key not in usable
               and not key.endswith("num_batches_tracked")]
    if missing:
        raise ScriptError(f"{source} does not fit this --arch: {len(missing)} layer(s) missing or of "
                          f"another shape (first: {missing[0]})")
    model.load_state_dict(usable, strict=False)
    return len(usable)


def load_weights_file(path: Path) -> dict[str, Any]:
    """Read a weights file (state dict or our checkpoint) onto the CPU."""
    if not path.is_file():
        raise ScriptError(f"--weights {path}: no such file")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # pickle, zip and torch errors all mean "not a weights file"
        raise ScriptError(f"--weights {path} is not a PyTorch weights file ({type(error).__name__})") from None


def _download(url: str, target: Path, hash_prefix: str | None, outcome: dict[str, Any]) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        torch.hub.download_url_to_file(url, str(target), hash_prefix=hash_prefix, progress=False)
        outcome["ok"] = True
    except Exception as error:  # any failure means "offline" for our purpose
        outcome["error"] = f"{type(error).__name__}: {error}".splitlines()[0][:160]


def imagenet_state(arch: str) -> dict[str, Any] | None:
    """ImageNet weights for arch from the torch cache, else a short download; None if neither.

    Never hangs: the download runs in a daemon thread with a socket timeout and is
    abandoned after DOWNLOAD_TIMEOUT_S. On failure one warning says how to provide the file.
    """
    try:
        weights = torchvision.models.get_model_weights(arch).DEFAULT
    except (ValueError, KeyError, AttributeError):
        warn(f"torchvision has no ImageNet weights for {arch}: training from scratch")
        return None
    url = weights.url
    filename = os.path.basename(url)
    cache_dir = Path(torch.hub.get_dir()) / "checkpoints"
    cached = cache_dir / filename
    if not cached.is_file():
        match = re.search(r"-([a-f0-9]{8,})\.", filename)
        outcome: dict[str, Any] = {}
        previous_timeout = socket.getdefaulttimeout()
        socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S / 2)
        try:
            worker = threading.Thread(target=_download, daemon=True,
                                      args=(url, cached, match.group(1) if match else None, outcome))
            worker.start()
            worker.join(DOWNLOAD_TIMEOUT_S)
        finally:
            socket.setdefaulttimeout(previous_timeout)
        if not outcome.get("ok"):
            reason = outcome.get("error", f"no answer in {DOWNLOAD_TIMEOUT_S:.0f} s")
            warn(f"cannot get the ImageNet weights for {arch} ({reason}); training from scratch, "
                 f"accuracy will be lower. To use them offline, copy {filename} (from {url}) into "
                 f"{cache_dir}/ or pass --weights FILE")
            return None
    try:
        return torch.load(cached, map_location="cpu", weights_only=True)
    except Exception as error:
        warn(f"{cached} is unreadable ({type(error).__name__}): training from scratch; delete it "
             "or pass --weights FILE")
        return None


def read_checkpoint(path: Path) -> dict[str, Any]:
    """Load one of our checkpoints on the CPU, whatever device wrote it."""
    if not path.is_file():
        raise ScriptError(f"no checkpoint {path}: train the model first")
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        raise ScriptError(f"{path} is unreadable ({type(error).__name__}): train again") from None
    for key in ("arch", "classes", "resolution", "state_dict"):
        if not isinstance(checkpoint, dict) or key not in checkpoint:
            raise ScriptError(f"{path} is not an ai_nano checkpoint (no {key!r})")
    return checkpoint


def model_from_checkpoint(checkpoint: dict[str, Any]) -> nn.Module:
    """Rebuild the trained network from a checkpoint (CPU, eval mode)."""
    model = build_model(checkpoint["arch"], len(checkpoint["classes"]))
    model.load_state_dict(checkpoint["state_dict"])
    return model.eval()
