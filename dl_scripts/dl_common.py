"""Shared plumbing of the DL-server scripts: output contract, errors, atomic files, device.

The one writer of the remote protocol on this side: the `@ai_nano ` marker (emit), the
argparse whose failure ends with `error: ...` (ArgumentParser) and the boundary that turns
any failure into that last line (run_main); every script here, job.py included, uses them.

The scripts run on the DL server, copied there as one folder, so this module imports only
the standard library and torch. Every script talks to the desktop app through stdout:
human lines, plus `@ai_nano {json}` lines the app parses; on failure the last line is
`error: <reason>` and the exit status is non-zero (see doc/ARCHITECTURE.md).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, NoReturn

log = logging.getLogger(__name__)

MARKER = "@ai_nano "


class ScriptError(Exception):
    """A failure the user can act on; str() is the one-line reason printed as `error: ...`.

    exit_code: the script's exit status (a subclass may say more, e.g. job.py's 3).
    """

    exit_code = 1


def say(text: str = "") -> None:
    """Print a human line at once, so that a remote follower sees it as it happens."""
    print(text, flush=True)


def warn(text: str) -> None:
    """Print a warning line on stdout (the app shows stdout; stderr may be merged or not)."""
    say(f"warning: {text}")


def error_line(reason: str) -> str:
    """The last line of a failed run, `error: <reason>` (the app shows the reason)."""
    return f"error: {reason}"


def emit(event: str, **fields: Any) -> None:
    """Print one machine-readable record: the marker followed by a JSON object."""
    say(MARKER + json.dumps({"event": event, **fields}, sort_keys=False))


class ArgumentParser(argparse.ArgumentParser):
    """argparse whose errors follow the contract: last line `error: ...`, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stdout)
        say(error_line(message))
        raise SystemExit(2)


def run_main(main: Callable[[list[str] | None], int], argv: list[str] | None = None) -> int:
    """Run a script's main and turn every failure into the one-line contract."""
    try:
        sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        pass
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return main(argv)
    except ScriptError as error:
        say(error_line(str(error)))
        return error.exit_code
    except BrokenPipeError:
        return 1  # the reader went away (a dropped SSH link): nobody to tell
    except KeyboardInterrupt:
        say(error_line("interrupted"))
        return 130
    except MemoryError:
        say(error_line("out of memory on this computer: use fewer or smaller images"))
        return 1
    except Exception as error:  # the boundary: one readable line, details in the log
        log.debug("unexpected failure", exc_info=True)
        if isinstance(error, OSError) and error.strerror:  # a file problem: its name and the reason
            say(error_line(f"{error.filename or os.path.basename(sys.argv[0])}: {error.strerror}"))
        else:
            first = str(error).splitlines()[0] if str(error) else ""
            say(error_line(f"unexpected {type(error).__name__}: {first}"))
        return 1


def ensure_writable_dir(folder: Path) -> Path:
    """Create `folder` if needed and prove it is writable, before any long work starts."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
            pass
    except OSError as error:
        raise ScriptError(f"model dir {folder} is not writable: {error.strerror or error}") from None
    return folder


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary name in the same folder, then rename: never a half-written file."""
    tmp = path.with_name(f".{path.name}.part")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def atomic_write_text(path: Path, text: str) -> None:
    """Text version of atomic_write_bytes (UTF-8)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_torch_save(obj: Any, path: Path) -> None:
    """torch.save through a temporary file, so a crash mid-save keeps the previous file."""
    import torch

    tmp = path.with_name(f".{path.name}.part")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def labels_text(classes: list[str]) -> str:
    """labels.txt contents: one class per line, no blank line (jetson-inference counts lines)."""
    return "".join(f"{name}\n" for name in classes)


def pick_device(requested: str) -> "Any":
    """auto -> CUDA when present, else CPU; an explicit CUDA request without CUDA is an error."""
    import torch

    if requested == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(requested)
    except RuntimeError:
        raise ScriptError(f"unknown device {requested!r}: use auto, cpu or cuda[:N]") from None
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ScriptError(f"--device {requested}: this computer has no usable CUDA GPU")
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise ScriptError(f"--device {requested}: only {torch.cuda.device_count()} GPU(s) here")
    elif device.type != "cpu":
        raise ScriptError(f"unsupported device {requested!r}: use auto, cpu or cuda[:N]")
    return device


def usable_cpus() -> int:
    """CPUs this process may use (affinity-aware, so a cgroup or taskset is respected)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def set_cpu_threads() -> int:
    """Use every allowed CPU for torch's compute threads, but no more (oversubscription hurts)."""
    import torch

    threads = usable_cpus()
    torch.set_num_threads(threads)
    return threads


def cpu_has_fast_bf16() -> bool:
    """True when the CPU computes bfloat16 natively (AVX512-BF16 or AMX): bf16 autocast pays."""
    try:
        flags = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return False
    return " avx512_bf16" in flags or " amx_bf16" in flags


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks (archives and checkpoints are large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
