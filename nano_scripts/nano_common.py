"""What the Nano scripts share: the output contract, the LED pins, labels, camera URIs.

The one writer of the remote protocol on this side: every line the app reads goes through
write_line, every failure ends with one `error: ...` line (error_line, ArgumentParser), and
the LEDs' default BOARD pins are defined here once (the app passes its own as --pins).
"""
import argparse
import json
import logging
import os
import sys
import threading
from pathlib import Path
from typing import List, NoReturn, Optional, Tuple

log = logging.getLogger(__name__)

DEFAULT_PINS: Tuple[int, ...] = (12, 16, 18)
DEFAULT_PINS_TEXT = ",".join(str(pin) for pin in DEFAULT_PINS)
_WRITE_LOCK = threading.Lock()  # the loop and the frame sender write lines from two threads


def write_line(text: str) -> None:
    """Print one line and flush it now: the app reads the output live over SSH.

    A closed stdout (the SSH session went away) must not stop the LEDs being switched off.
    """
    with _WRITE_LOCK:
        try:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()
        except (OSError, ValueError):
            pass


def record(event: str, **fields: object) -> None:
    """One `@ai_nano {json}` record for the app (e.g. nano_lock.py's `nano_busy`)."""
    write_line("@ai_nano " + json.dumps(dict(fields, event=event), sort_keys=True))


def error_line(reason: str) -> None:
    """The last line of a failed run: `error: <reason>` (the app shows the reason)."""
    write_line(f"error: {reason}")


class ArgumentParser(argparse.ArgumentParser):
    """argparse whose errors follow the contract: one `error: ...` line, exit status 2."""

    def error(self, message: str) -> NoReturn:
        error_line(message)
        sys.exit(2)


class NanoError(Exception):
    """A problem the user can fix; str() is the one-line reason printed after 'error: '."""


class CameraLost(NanoError):
    """A live camera that delivered frames stopped (unplugged, its stream ended)."""


def load_labels(path: str) -> List[str]:
    """Class names, one per non-empty line, as jetson-inference counts them."""
    label_path = Path(path)
    if not label_path.is_file():
        raise NanoError(f"labels file not found: {path}")
    try:
        text = label_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise NanoError(f"cannot read labels file {path}: {error}") from error
    labels = [line.strip() for line in text.splitlines() if line.strip()]
    if not labels:
        raise NanoError(f"labels file {path} holds no class name")
    return labels


def check_model_file(path: str) -> None:
    """Fail early with a clear line rather than deep inside TensorRT or onnxruntime."""
    if not path:
        raise NanoError("no model given: pass --model=DIR/resnet18.onnx")
    if not Path(path).is_file():
        raise NanoError(f"model file not found: {path}")


def check_onnx_input(path: str, input_blob: Optional[str]) -> None:
    """Reject an input that is not a static 1x3xHxW, when the `onnx` package is installed.

    TensorRT would fail too, but with pages of log; onnxruntime checks this itself.
    """
    try:
        import onnx
    except ImportError:
        log.debug("onnx not installed: input shape not checked before TensorRT")
        return
    try:
        graph = onnx.load(path, load_external_data=False).graph
    except Exception as error:
        raise NanoError(f"cannot read model {path}: {error}") from error
    weights = {init.name for init in graph.initializer}
    inputs = [item for item in graph.input if item.name not in weights]
    chosen = [item for item in inputs if item.name == input_blob] or inputs[:1]
    if not chosen:
        raise NanoError(f"model {path} has no input")
    dims = chosen[0].type.tensor_type.shape.dim
    shape = [d.dim_value if d.HasField("dim_value") else (d.dim_param or "?") for d in dims]
    if len(shape) != 4 or not all(isinstance(d, int) for d in shape) or shape[:2] != [1, 3]:
        raise NanoError(f"model input '{chosen[0].name}' has shape {shape}: expected a static "
                        f"1x3xHxW (export with a fixed input size)")


def is_network_uri(uri: str) -> bool:
    """rtsp://, http://, https:// ... : a stream that another machine serves."""
    return uri.split("://", 1)[0].lower() in ("rtsp", "rtspt", "http", "https", "rtmp", "udp",
                                              "rtp", "tcp")


def camera_device(uri: str) -> Optional[int]:
    """'/dev/video2', 'v4l2:///dev/video2' or '2' -> 2; anything else -> None."""
    text = uri[len("v4l2://"):] if uri.startswith("v4l2://") else uri
    if text.isdigit():
        return int(text)
    if text.startswith("/dev/video") and text[len("/dev/video"):].isdigit():
        return int(text[len("/dev/video"):])
    return None


def file_path(uri: str) -> Optional[str]:
    """A local video file: 'file://x.mp4' or a plain path that is not a device; else None."""
    text = uri[len("file://"):] if uri.startswith("file://") else uri
    if "://" in text or camera_device(text) is not None:
        return None
    return os.path.expanduser(text)


def confidence_text(confidence: float) -> str:
    """Percent with 6 decimals, as jetson-inference's C %f prints it."""
    return "%f" % (confidence * 100.0)


# jetson-inference's --log-level names, mapped onto Python's logging levels.
_LOG_LEVELS = {"silent": "CRITICAL", "error": "ERROR", "warning": "WARNING", "success": "INFO",
               "info": "INFO", "verbose": "DEBUG", "debug": "DEBUG"}


def log_level(text: str) -> str:
    """argparse type for --log-level: jetson-inference's names, any case ("info", "INFO")."""
    level = _LOG_LEVELS.get(text.strip().lower())
    if level is None:
        raise ValueError(text)
    return level
