#!/usr/bin/env python3
"""Train an image classifier on the DL server: `train.py --model-dir=models/NAME/model models/NAME`.

Replaces pytorch-classification's train.py, which needed CUDA, decoded every JPEG again
each epoch and validated with a crop the Nano never makes. Here:
- CUDA when there is one, else CPU, same command; mixed precision where it pays;
- every image decoded once into memory, augmented as tensors (on the GPU when training there);
- validation with the Nano's preprocessing, so the accuracy printed is the Nano's;
- early stopping (--patience), --resume, --seed; checkpoints written atomically;
- two full fine-tuning recipes (fine_tune.Trainer): from random weights, SGD with BatchNorm learning
  its statistics; from pretrained weights, the last layer first fitted on the frozen
  features, then AdamW at a low rate with BatchNorm statistics kept (see Trainer);
- --mode head|full|auto: head-only training on cached features of the frozen pretrained
  backbone (head_train.py, seconds on a CPU) or full fine-tuning; auto picks (choose_mode);
- stdout contract: human lines + `@ai_nano {json}` events (start, epoch, end), epochs also
  appended to <model-dir>/metrics.jsonl; on failure a last `error: <reason>` line.
"""
from __future__ import annotations

import logging
import math
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

STARTED = time.perf_counter()  # the imports below (torch, torchvision) take seconds on a laptop
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
from torch import nn  # noqa: E402

from dl_common import (ArgumentParser, ScriptError, atomic_write_text, emit, ensure_writable_dir,  # noqa: E402
                       labels_text, pick_device, run_main, say, set_cpu_threads, usable_cpus, warn)
from dl_model import (BEST_CHECKPOINT, LAST_CHECKPOINT, build_model, imagenet_state,  # noqa: E402
                      load_backbone, load_weights_file, read_checkpoint)
from fine_tune import Trainer, adapt_batchnorm_momentum, choose_precision, train_epoch  # noqa: E402
from head_train import fit_head, linear_classifier, run_head  # noqa: E402
from nano_data import DecodedSplit, dataset_classes, decode_split, stored_size  # noqa: E402
from training import (checkpoint_payload, finish_run, keep_previous_run,  # noqa: E402
                      choose_mode, new_run_state, publish_epoch, save_checkpoint, score_epoch,
                      seed_everything, should_stop)

log = logging.getLogger(__name__)
IMPORTED = time.perf_counter()
HEAD_EPOCHS = 35  # the pretrained recipe's first fit of the last layer (head_train.train_head)


def parse_args(argv: list[str] | None) -> Any:
    """The command line the desktop app uses (doc/ARCHITECTURE.md, "Remote scripts")."""
    parser = ArgumentParser(description="Train an image classifier on models/NAME/{train,val}.")
    parser.add_argument("dataset", help="dataset folder holding train/ val/ [test/] and labels.txt")
    parser.add_argument("--model-dir", required=True, help="where checkpoints and metrics go")
    parser.add_argument("--arch", default="resnet18", help="torchvision classifier name")
    parser.add_argument("--epochs", type=int, default=35, help="maximum number of epochs")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=None,
                        help="learning rate (default: 0.01 for SGD from random weights, 0.0001 for AdamW "
                             "fine-tuning pretrained weights, 0.01 for AdamW training the head only)")
    parser.add_argument("--resolution", type=int, default=224, help="network input side in pixels")
    parser.add_argument("--workers", type=int, default=min(8, usable_cpus()),
                        help="threads decoding the images (once, at start)")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    parser.add_argument("--pretrained", dest="pretrained", action="store_true", default=True,
                        help="start from ImageNet weights (default)")
    parser.add_argument("--no-pretrained", dest="pretrained", action="store_false",
                        help="start from random weights")
    parser.add_argument("--weights", type=Path, default=None, help="backbone weights file to start from")
    parser.add_argument("--patience", type=int, default=8,
                        help="full fine-tuning: stop after this many epochs without better val accuracy "
                             "(0: never); head-only runs every epoch and keeps the last")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resume", action="store_true", help="continue from <model-dir>/checkpoint.pth.tar")
    parser.add_argument("--mode", choices=("auto", "head", "full"), default="auto",
                        help="head: train only the last layer on features of the frozen pretrained "
                             "backbone (seconds on a CPU); full: fine-tune the whole network; auto: "
                             "head on a computer without GPU when pretrained weights are there, else full")
    parser.add_argument("--head-views", type=int, choices=(1, 2), default=1,
                        help="head-only: 1 = the Nano's view of each training picture, 2 = also its mirror")
    parser.add_argument("--precision", choices=("auto", "fp32", "bf16", "fp16"), default="auto",
                        help="auto: fp16/bf16 on CUDA, bf16 on CPUs that compute it natively")
    args = parser.parse_args(argv)
    for name, minimum in (("epochs", 1), ("batch_size", 1), ("resolution", 16), ("workers", 1),
                          ("patience", 0)):
        if getattr(args, name) < minimum:
            parser.error(f"--{name.replace('_', '-')} must be at least {minimum}")
    if args.lr is not None and not (0 < args.lr < 10):
        parser.error("--lr must be between 0 and 10")
    return args


def initial_weights(model: nn.Module, args: Any, num_classes: int) -> tuple[str, bool]:
    """Load --weights or ImageNet weights into the backbone; returns (where from, pretrained?)."""
    if args.weights is not None:
        loaded = load_backbone(model, load_weights_file(args.weights), num_classes, f"--weights {args.weights}")
        return f"{args.weights} ({loaded} tensors)", True
    if not args.pretrained:
        return "random (--no-pretrained)", False
    state = imagenet_state(args.arch)
    if state is None:
        return "random (ImageNet weights unavailable)", False
    load_backbone(model, state, num_classes, f"ImageNet weights of {args.arch}")
    return "ImageNet", True


def resume_checkpoint(args: Any, classes: list[str]) -> dict[str, Any] | None:
    """--resume: the last checkpoint, checked against the dataset; its arch and resolution win."""
    if not args.resume:
        return None
    checkpoint = read_checkpoint(Path(args.model_dir) / LAST_CHECKPOINT)
    if checkpoint["classes"] != classes:
        raise ScriptError(f"cannot resume: the checkpoint's classes {checkpoint['classes']} differ "
                          f"from the dataset's {classes}")
    for name in ("arch", "resolution"):
        if getattr(args, name) != checkpoint[name]:
            say(f"resuming with the checkpoint's {name} {checkpoint[name]} (not {getattr(args, name)})")
            setattr(args, name, checkpoint[name])
    return checkpoint


def main(argv: list[str] | None = None) -> int:
    """Parse, check inputs, load the starting weights, choose the mode, train with early stopping."""
    args = parse_args(argv)
    classes = dataset_classes(Path(args.dataset))
    checkpoint = resume_checkpoint(args, classes)
    model_dir = ensure_writable_dir(Path(args.model_dir))
    device = pick_device(args.device)
    threads = set_cpu_threads() if device.type == "cpu" else torch.get_num_threads()
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True  # fixed input size: let cuDNN pick its fastest kernels
    seed_everything(args.seed)
    model = build_model(args.arch, len(classes))
    source, pretrained = (("checkpoint", True) if checkpoint is not None
                          else initial_weights(model, args, len(classes)))
    mode, reason = choose_mode(args.mode, device, pretrained, checkpoint is not None)
    say(f"modules loaded in {IMPORTED - STARTED:.1f} s, starting weights ready "
        f"{time.perf_counter() - IMPORTED:.1f} s later")
    say(f"training mode: {'head-only' if mode == 'head' else 'full fine-tuning'} ({reason})")
    where = f"{device}{f' ({threads} threads)' if device.type == 'cpu' else ''}"

    def announce(train_images: int, val_images: int, details: str = "") -> None:
        """Once the data is known good: keep the earlier run's files aside, then say what starts."""
        if checkpoint is None:
            keep_previous_run(model_dir)
        atomic_write_text(model_dir / "labels.txt", labels_text(classes))
        length = (f"{args.epochs} epochs, the last kept" if mode == "head"
                  else f"up to {args.epochs} epochs, patience {args.patience or 'off'}")
        say(f"training {args.arch} at {args.resolution}x{args.resolution} on {where}, weights: {source}, "
            f"{details}{length}")
        emit("start", epochs=args.epochs, classes=classes, train_images=train_images,
             val_images=val_images, device=str(device), resolution=args.resolution, mode=mode,
             mode_reason=reason)

    if mode == "head":
        return run_head(args, model, classes, device, announce)
    return run_full(args, model, classes, device, pretrained, checkpoint, announce)


def decode_datasets(args: Any, classes: list[str]) -> tuple[DecodedSplit, DecodedSplit]:
    """Train pictures decoded once at a size with room to crop; val with the Nano's stretch."""
    dataset = Path(args.dataset)
    started = time.perf_counter()
    train = decode_split(dataset / "train", classes, stored_size(args.resolution), nano=False,
                         workers=args.workers)
    val = decode_split(dataset / "val", classes, args.resolution, nano=True, workers=args.workers)
    say(f"decoded {len(train)} train and {len(val)} val images of {len(classes)} classes in "
        f"{time.perf_counter() - started:.1f} s ({(train.images.nbytes + val.images.nbytes) / 2**20:.0f} MiB in memory)")
    return train, val


def run_full(args: Any, model: nn.Module, classes: list[str], device: torch.device, pretrained: bool,
             checkpoint: dict[str, Any] | None, announce: Callable[..., None]) -> int:
    """Fine-tune the whole network: augmented batches, one epoch at a time, checkpoints each epoch."""
    train, val = decode_datasets(args, classes)
    dtype = choose_precision(args.precision, device)
    recipe = (checkpoint["run"].get("recipe", "scratch") if checkpoint is not None
              else "pretrained" if pretrained else "scratch")
    lr = args.lr if args.lr is not None else (1e-4 if recipe == "pretrained" else 0.01)
    state = new_run_state(args.batch_size)
    state["recipe"] = recipe
    if checkpoint is not None:
        state.update(checkpoint["run"])
    announce(len(train), len(val), f"precision {str(dtype).replace('torch.', '') if dtype else 'fp32'}, "
             f"lr {lr:g} ({'AdamW' if recipe == 'pretrained' else 'SGD'}), batch {state['batch_size']}, ")
    if checkpoint is None and recipe == "pretrained":
        fit_last_layer(args, model, classes, device)
    elif recipe == "scratch":
        adapt_batchnorm_momentum(model, math.ceil(len(train) / args.batch_size))
    trainer = Trainer(model, device, dtype, lr, args.epochs, recipe)
    if checkpoint is not None:
        trainer.model.load_state_dict(checkpoint["state_dict"])
        trainer.optimizer.load_state_dict(checkpoint["optimizer"])
        trainer.scheduler.load_state_dict(checkpoint["scheduler"])
        trainer.scheduler.T_max = args.epochs
        torch.set_rng_state(checkpoint["rng"])
        say(f"resuming after epoch {state['epoch']} (best val accuracy {state['best_val_acc']:.1%} "
            f"at epoch {state['best_epoch']})")
    train_images = torch.from_numpy(train.images)
    if device.type == "cuda":
        train_images = train_images.to(device)  # augmentation then runs on the GPU
    data = {"train_x": train_images, "train_y": torch.from_numpy(train.labels),
            "val_x": torch.from_numpy(val.images), "val_y": torch.from_numpy(val.labels)}
    while state["epoch"] < args.epochs and not should_stop(state, args.patience):
        full_epoch(trainer, data, args, classes, state, lr)
    finish_run(Path(args.model_dir), state, args.epochs, args.patience)
    return 0


def fit_last_layer(args: Any, model: nn.Module, classes: list[str], device: torch.device) -> None:
    """Pretrained recipe: the new last layer fitted on the frozen features before any backbone step.

    A random last layer sends random gradients into the pretrained backbone during the
    first epochs; a fitted one starts the fine-tuning at the frozen features' accuracy
    (seconds on a CPU; the features are cached for a later head-only training).
    """
    if linear_classifier(model, len(classes)) is None:
        warn(f"the last layer of {args.arch} is not a Linear layer: it starts untrained")
        return
    fit_head(args, model, classes, device, epochs=HEAD_EPOCHS, publish=False)


def full_epoch(trainer: Trainer, data: dict[str, torch.Tensor], args: Any, classes: list[str],
               state: dict[str, Any], lr: float) -> None:
    """Train one epoch, validate, save checkpoints, publish the record."""
    model_dir = Path(args.model_dir)
    epoch = state["epoch"] + 1
    lr_now = trainer.optimizer.param_groups[0]["lr"]
    train_loss, train_acc, seconds = train_epoch(trainer, data["train_x"], data["train_y"], args.resolution, state)
    if not math.isfinite(train_loss):
        raise ScriptError(f"training diverged at epoch {epoch} (loss is {train_loss}): lower --lr "
                          f"(now {lr:g}); the best epoch so far is kept in {model_dir / BEST_CHECKPOINT}")
    val_loss, val_acc = trainer.evaluate(data["val_x"], data["val_y"], max(state["batch_size"], 64))
    trainer.scheduler.step()
    best = score_epoch(state, epoch, val_loss, val_acc)
    if best:
        save_checkpoint(model_dir / BEST_CHECKPOINT, checkpoint_payload(
            trainer.model, args.arch, classes, args.resolution, state, mode="full"))
    save_checkpoint(model_dir / LAST_CHECKPOINT, checkpoint_payload(
        trainer.model, args.arch, classes, args.resolution, state, mode="full",
        optimizer=trainer.optimizer.state_dict(), scheduler=trainer.scheduler.state_dict(),
        run=dict(state), rng=torch.get_rng_state()))
    figures = {"train_loss": train_loss, "train_acc": train_acc, "val_loss": val_loss, "val_acc": val_acc,
               "seconds": seconds}
    publish_epoch(model_dir, state, args.epochs, figures, len(data["train_y"]), best, lr_now)


if __name__ == "__main__":
    sys.exit(run_main(main))
