"""A `cv2` that is OpenCV with the strict stand-in webcam installed (tests only).

Put this folder's parent (tests/standin_webcam/site) first on PYTHONPATH of a child
process: `import cv2` then loads the real OpenCV under the name `cv2` (this module gives
its place to it) and replaces its VideoCapture with ../../strict.py's. Python 3.6 safe.
"""
import importlib.machinery
import importlib.util
import os
import sys

_SITE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_STRICT = os.path.join(os.path.dirname(_SITE), "strict.py")


def _load_real_cv2():
    search = [entry for entry in sys.path
              if os.path.abspath(entry or os.curdir) != _SITE]
    spec = importlib.machinery.PathFinder.find_spec("cv2", search)
    if spec is None:
        raise ImportError("the stand-in cv2 found no real OpenCV to wrap")
    module = importlib.util.module_from_spec(spec)
    sys.modules["cv2"] = module          # the real package takes this module's place
    spec.loader.exec_module(module)
    return sys.modules["cv2"]


def _load_strict():
    spec = importlib.util.spec_from_file_location("ai_nano_strict_webcam", _STRICT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_real = _load_real_cv2()
_load_strict().install(_real)
