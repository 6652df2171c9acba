"""What both ways of training share: the run's files, the epoch records, early stopping, checkpoints.

train.py fine-tunes the whole network (full) or only its last layer on cached features
(head_train.py, head-only). The window draws the same curves for both, so the epoch
record, metrics.jsonl, the `start`/`epoch`/`end` events and the checkpoint format are
written here, once.
"""
from __future__ import annotations

import errno
import json
import math
import os
import random
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from dl_common import ScriptError, atomic_torch_save, emit, say
from dl_model import BEST_CHECKPOINT, LAST_CHECKPOINT

METRICS_FILE = "metrics.jsonl"
# A ResNet-18 checkpoint is ~45 MB: less free space than this after a failed save = full.
CHECKPOINT_MARGIN_BYTES = 64 * 1024 * 1024


def keep_previous_run(model_dir: Path) -> None:
    """A fresh run moves an earlier run's files to previous-<time>/ instead of overwriting them.

    The ONNX file, labels and evaluation go too: left beside new checkpoints they would
    describe another model, and could be sent to a Nano by mistake.
    """
    names = [BEST_CHECKPOINT, LAST_CHECKPOINT, METRICS_FILE, "evaluation.json"]
    old = ([model_dir / name for name in names if (model_dir / name).exists()] + sorted(model_dir.glob("*.onnx"))
           + sorted(model_dir.glob("*.onnx.json")))
    if not old:
        return
    if (model_dir / "labels.txt").exists():
        old.append(model_dir / "labels.txt")
    keep = model_dir / f"previous-{datetime.now():%Y%m%d-%H%M%S}"
    keep.mkdir(exist_ok=True)
    for path in old:
        os.replace(path, keep / path.name)
    say(f"an earlier training of this model was kept in {keep}")


def seed_everything(seed: int) -> None:
    """Same seed, same run (on CPU; cuDNN keeps some non-determinism for speed)."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def new_run_state(batch_size: int) -> dict[str, Any]:
    """The run's progress, saved in checkpoint.pth.tar for --resume."""
    return {"epoch": 0, "best_val_acc": -1.0, "best_val_loss": math.inf, "best_epoch": 0,
            "since_improvement": 0, "batch_size": batch_size}


def should_stop(state: dict[str, Any], patience: int) -> bool:
    """Early stopping: no better val accuracy for `patience` epochs (0: never)."""
    return bool(patience) and state["since_improvement"] >= patience


def score_epoch(state: dict[str, Any], epoch: int, val_loss: float, val_acc: float) -> bool:
    """Update state with this epoch's validation; True when it is the best so far.

    Best = higher val accuracy, or the same with lower loss; patience counts only
    accuracy gains, so a tiny dataset at 100 % stops instead of chasing the loss.
    """
    best = val_acc > state["best_val_acc"] or (val_acc == state["best_val_acc"]
                                                and val_loss < state["best_val_loss"])
    state["since_improvement"] = 0 if val_acc > state["best_val_acc"] else state["since_improvement"] + 1
    state["epoch"] = epoch
    if best:
        state.update(best_val_acc=val_acc, best_val_loss=val_loss, best_epoch=epoch)
    return best


def publish_epoch(model_dir: Path, state: dict[str, Any], epochs: int, figures: dict[str, float],
                  images: int, best: bool, lr: float) -> None:
    """Append the epoch to metrics.jsonl, print its human line and its `epoch` event.

    figures: train_loss, train_acc, val_loss, val_acc, seconds (the window's curves).
    """
    seconds = max(figures["seconds"], 1e-6)
    record = {"epoch": state["epoch"], "epochs": epochs, "train_loss": round(figures["train_loss"], 5),
              "train_acc": round(figures["train_acc"], 5), "val_loss": round(figures["val_loss"], 5),
              "val_acc": round(figures["val_acc"], 5), "seconds": round(seconds, 3),
              "images_per_s": round(images / seconds, 1), "best": best,
              "best_val_acc": round(state["best_val_acc"], 5), "lr": lr}
    with open(model_dir / METRICS_FILE, "a", encoding="utf-8") as metrics:
        metrics.write(json.dumps(record) + "\n")
    say(f"epoch {state['epoch']}/{epochs}  train loss {figures['train_loss']:.4f} acc {figures['train_acc']:.1%}  "
        f"val loss {figures['val_loss']:.4f} acc {figures['val_acc']:.1%}  {seconds:.1f} s  "
        f"{record['images_per_s']:.0f} img/s{'  * best' if best else ''}")
    emit("epoch", **record)


def finish_run(model_dir: Path, state: dict[str, Any], epochs: int, patience: int) -> None:
    """The closing lines and the `end` event."""
    stopped_early = should_stop(state, patience) and state["epoch"] < epochs
    if stopped_early:
        say(f"stopping early: val accuracy has not improved for {patience} epochs")
    say(f"best val accuracy {state['best_val_acc']:.1%} at epoch {state['best_epoch']}: "
        f"{model_dir / BEST_CHECKPOINT}")
    emit("end", best_epoch=state["best_epoch"], best_val_acc=round(state["best_val_acc"], 5),
         epochs_run=state["epoch"], stopped_early=stopped_early)


def checkpoint_payload(model: nn.Module, arch: str, classes: list[str], resolution: int,
                       state: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Our checkpoint format (dl_model.read_checkpoint): weights on the CPU plus what export needs."""
    model_state = {key: value.detach().to("cpu", copy=True).contiguous()
                   for key, value in model.state_dict().items()}
    payload: dict[str, Any] = {"format": 1, "arch": arch, "classes": classes, "resolution": resolution,
                               "epoch": state["epoch"], "best_val_acc": state["best_val_acc"],
                               "state_dict": model_state}
    payload.update(extra)
    return payload


def save_checkpoint(path: Path, payload: dict[str, Any]) -> None:
    """Write atomically; a full disk is said in one line (torch reports it as an opaque error)."""
    try:
        atomic_torch_save(payload, path)
    except (OSError, RuntimeError) as error:
        path.with_name(f".{path.name}.part").unlink(missing_ok=True)
        free = shutil.disk_usage(path.parent).free
        if getattr(error, "errno", None) == errno.ENOSPC or free < CHECKPOINT_MARGIN_BYTES:
            raise ScriptError(f"no space left on the disk of this server to save {path.name} "
                              f"({free / 1e6:.1f} MB free in {path.parent}): free some space "
                              "there and train again") from None
        raise


def choose_mode(requested: str, device: torch.device, pretrained: bool, resuming: bool) -> tuple[str, str]:
    """(mode, why): head-only on a CPU with pretrained weights, else full fine-tuning.

    A frozen random backbone gives useless features, so head-only needs pretrained weights;
    on a GPU a full fine-tuning takes little longer and learns more.
    """
    if requested == "full":
        return "full", "--mode full: the whole network is fine-tuned"
    if resuming:
        if requested == "head":
            raise ScriptError("--resume continues a full fine-tuning: use --mode full or auto")
        return "full", "resuming a full fine-tuning from its checkpoint"
    if requested == "head":
        if not pretrained:
            raise ScriptError("--mode head needs pretrained weights (a frozen random backbone learns "
                              "nothing): pass --weights FILE, provide the ImageNet weights, or use --mode full")
        return "head", "--mode head: only the last layer is trained, on features of the frozen pretrained backbone"
    if device.type == "cuda":
        return "full", "auto: a GPU is here, so the whole network is fine-tuned"
    if not pretrained:
        return "full", ("auto: no pretrained weights (a frozen random backbone learns nothing), "
                        "so the whole network is trained")
    return "head", ("auto: no GPU here, so only the last layer is trained, on features of the frozen "
                    "pretrained backbone (seconds instead of minutes)")
