#!/usr/bin/env python3
"""Classify camera frames on the Jetson Nano (or any board) and light one LED per class.

    python3 my-imagenet.py --model=DIR/resnet18.onnx --labels=DIR/labels.txt \
        --input_blob=input_0 --output_blob=output_0 --camera=/dev/video0 --headless

Runs with jetson-inference (TensorRT) when it is installed, else with onnxruntime and
OpenCV. The work is in nano_loop.py; this file keeps the name the app and users know.
"""
import logging
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from nano_lock import guarded  # noqa: E402  (needs the path above when run from elsewhere)
from nano_loop import run  # noqa: E402

log = logging.getLogger(__name__)



def leave(code: int) -> None:
    """Exit without Python's and C++'s teardown once everything is cleaned up explicitly.

    By now the LEDs are off, GPIO cleaned up, the camera released and the lock freed. What
    is left are daemon threads (the frame sender inside OpenCV's encoder, onnxruntime's or
    OpenCV's thread pools): a normal exit destroys C++ objects they still use and aborts
    ("terminate called without an active exception", status -6) instead of exiting 0.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    leave(guarded(run, sys.argv))  # --lock: one student per Nano (nano_lock.py)
