"""The classification loop of my-imagenet.py: options, backend choice, LEDs, signals.

Why a worker thread: model loading (a TensorRT engine build takes minutes) and camera reads
block inside C code, where Python cannot run a signal handler. The main thread only waits,
so SIGINT/SIGTERM/SIGHUP (an SSH session closing) always switch the LEDs off and end the
process within a second, whatever the worker is stuck in.
"""
import argparse
import logging
import os
import signal
import sys
import threading
import time
from typing import Any, Callable, List, Optional, Sequence

from nano_common import (DEFAULT_PINS_TEXT, ArgumentParser, CameraLost, NanoError,
                         confidence_text, error_line, load_labels, log_level, record, write_line)
from nano_frames import (PREVIEW_QUALITY, FrameError, FrameOutput, FrameSender, check_encoder,
                         start_requests)
from nano_gpio import GPIO_CHOICES, GpioError, LedBank, load_gpio, parse_pins

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
SHUTDOWN_WAIT_S = 0.5  # how long the worker may take to notice a stop before we leave anyway


def build_parser(program: str = "my-imagenet.py") -> argparse.ArgumentParser:
    parser = ArgumentParser(prog=program, allow_abbrev=False,
                     description="Classify camera frames and light one LED per class. "
                                 "Unknown options are passed to jetson-inference.")
    parser.add_argument("input_URI", nargs="?", default=None,
                        help="camera or video (overrides --camera)")
    parser.add_argument("--model", default="", help="ONNX model file")
    parser.add_argument("--labels", default="", help="labels.txt, one class per line")
    parser.add_argument("--input_blob", default="input_0")
    parser.add_argument("--output_blob", default="output_0")
    parser.add_argument("--camera", default="/dev/video0",
                        help="/dev/videoN, N, csi://N (TensorRT), a video file, rtsp/http URL")
    parser.add_argument("--headless", action="store_true", help="no display (always so)")
    parser.add_argument("--backend", choices=("auto", "tensorrt", "onnxruntime"),
                        default="auto")
    parser.add_argument("--pins", default=DEFAULT_PINS_TEXT,
                        help="BOARD pins of the LEDs of classes 0, 1, 2, ...")
    parser.add_argument("--gpio", choices=GPIO_CHOICES, default="auto")
    parser.add_argument("--threshold", type=float, default=0.01,
                        help="below this confidence no LED is lit")
    parser.add_argument("--print-rate", type=float, default=2.0,
                        help="result lines per second at most (a class change always prints)")
    parser.add_argument("--print-scores", action="store_true",
                        help="after each result line, a 'scores: ...' line")
    parser.add_argument("--log-level", default="WARNING", type=log_level,
                        help="silent, error, warning, info, verbose or debug (any case)")
    frames = parser.add_argument_group("frames for the app (JPEG lines on stdout)")
    frames.add_argument("--preview-width", type=int, default=320,
                        help="width of the preview frames (0: none)")
    frames.add_argument("--preview-rate", type=float, default=5.0,
                        help="preview frames per second at most")
    frames.add_argument("--jpeg-quality", type=int, default=PREVIEW_QUALITY,
                        help="JPEG quality of the preview frames (full-size ones use 90)")
    frames.add_argument("--capture-only", action="store_true",
                        help="no model, labels nor LEDs: only send full-size camera frames")
    frames.add_argument("--capture-rate", type=float, default=2.0,
                        help="full-size frames per second with --capture-only")
    return parser


class ResultGate:
    """Decides which results are printed: at most `rate` per second, every class change."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = 1.0 / rate if rate > 0 else float("inf")
        self._clock = clock
        self._last_class: Optional[int] = None
        self._last_time = float("-inf")

    def should_print(self, class_id: int) -> bool:
        now = self._clock()
        if class_id != self._last_class or now - self._last_time >= self._interval:
            self._last_class = class_id
            self._last_time = now
            return True
        return False


def result_line(label: str, class_id: int, confidence: float) -> str:
    return (f"image is recognized as '{label}' (class #{class_id}) with "
            f"{confidence_text(confidence)}% confidence")


def classification_loop(backend: Any, leds: Optional[LedBank], gate: ResultGate,
                        threshold: float, print_scores: bool, stop: threading.Event,
                        emit: Callable[[str], None] = write_line,
                        output: Optional[FrameOutput] = None) -> int:
    """Classify every frame until the source ends or `stop` is set; returns frames seen.

    `output` gets each frame's class (the preview and snapshots, nano_frames.py); the
    picture is made only for frames it sends.
    """
    class_desc = getattr(backend, "class_desc", None)
    frames = 0
    while not stop.is_set():
        frame = backend.next_frame()
        if frame is None:
            break
        class_id, confidence, scores = backend.classify(frame)
        frames += 1
        if stop.is_set():
            break
        if output is not None:
            known = class_id >= 0
            output.after_frame(lambda: backend.picture(frame), class_id if known else None,
                               confidence if known else None)
        if class_id < 0:              # jetson-inference: nothing above its own threshold
            if leds is not None:
                leds.show(None)
            continue
        if gate.should_print(class_id):
            label = class_desc(class_id) if class_desc else backend.labels[class_id]
            text = result_line(label, class_id, confidence)
            if print_scores and scores is not None:  # one write: no frame line in between
                text += "\nscores: " + " ".join("%.6f" % p for p in scores)
            emit(text)
        if leds is not None:
            leds.show(class_id if confidence >= threshold else None)
    return frames


def capture_loop(backend: Any, output: FrameOutput, stop: threading.Event) -> int:
    """--capture-only: no model, frames go out as `output` decides; returns frames seen."""
    frames = 0
    while not stop.is_set():
        output.check()
        frame = backend.next_frame()
        if frame is None or stop.is_set():
            break
        frames += 1
        output.after_frame(lambda: backend.picture(frame), None, None)
    output.check()
    return frames


def make_output(args: argparse.Namespace) -> Optional[FrameOutput]:
    """The frames this run sends (None: none), and the stdin requests it answers.

    Without OpenCV or numpy a classification run says so in one warning line and goes on
    without frames; a capture run cannot.
    """
    preview = args.preview_width > 0 and args.preview_rate > 0
    if not (preview or args.capture_only):
        return None
    try:
        check_encoder()
    except FrameError as error:
        if args.capture_only:
            raise NanoError(f"cannot send camera frames: {error}") from error
        write_line(f"warning: no preview frames: {error}")
        return None
    sender = FrameSender(max(args.preview_width, 0), args.jpeg_quality)
    sender.start()
    output = FrameOutput(sender, args.preview_rate if preview else 0.0,
                         args.capture_rate if args.capture_only else 0.0)
    start_requests(sys.stdin, output)
    return output


def make_backend(args: argparse.Namespace, labels: List[str], passthrough: List[str],
                 program: str) -> Any:
    """--backend auto picks TensorRT when jetson-inference imports, else onnxruntime."""
    from nano_tensorrt import jetson_argv, jetson_available

    camera = args.input_URI or args.camera
    model = None if args.capture_only else args.model
    backend = args.backend
    if backend == "auto":
        backend = "tensorrt" if jetson_available() else "onnxruntime"
    if backend == "tensorrt":
        if not jetson_available():
            raise NanoError("jetson-inference is not installed here: use --backend onnxruntime")
        from nano_tensorrt import TensorRtBackend
        argv = jetson_argv(program, args.model, args.labels, args.input_blob, args.output_blob,
                           args.headless, passthrough)
        return TensorRtBackend(model, labels, camera, argv, args.print_scores, args.input_blob)
    if passthrough:
        log.info("options only jetson-inference reads, ignored here: %s", " ".join(passthrough))
    try:
        from nano_onnx import OnnxRuntimeBackend
    except ImportError as error:
        raise NanoError(f"neither jetson-inference nor {error.name} is installed: "
                        f"pip3 install onnxruntime opencv-python numpy") from error
    return OnnxRuntimeBackend(model, labels, camera, args.input_blob, args.output_blob)


class Session:
    """One run: the worker thread's objects, so the main thread can shut them down."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.done = threading.Event()
        self.leds: Optional[LedBank] = None
        self.backend: Any = None
        self.output: Optional[FrameOutput] = None
        self.exit_code = 0
        self._end_lock = threading.Lock()
        self._running = False   # the loop started: its end is announced (inference_end)

    def work(self, args: argparse.Namespace, passthrough: List[str], program: str) -> None:
        """Set up GPIO, the frames and the backend, then loop; errors become one line."""
        try:
            labels: List[str] = []
            if not args.capture_only:
                self._set_up_leds(args)
                if self.stop.is_set():
                    return
                labels = load_labels(args.labels) if args.labels else []
                if not labels:
                    raise NanoError("no labels file given: pass --labels=DIR/labels.txt")
            self.output = make_output(args)
            self.backend = make_backend(args, labels, passthrough, program)
            if self.stop.is_set():
                return
            self._loop(args)
            self._seal_frames()
            self.end("stopped" if self.stop.is_set()
                     else getattr(self.backend, "end_reason", "end_of_video"))
        except CameraLost as error:
            self.fail(str(error), "camera_lost")
        except (NanoError, GpioError, ValueError) as error:
            self.fail(str(error))
        except Exception as error:  # last resort: still one line, details in the log
            log.debug("unexpected failure", exc_info=True)
            self.fail(f"{type(error).__name__}: {error}")
        finally:
            self._seal_frames()
            self.done.set()

    def _set_up_leds(self, args: argparse.Namespace) -> None:
        pins = parse_pins(args.pins)
        gpio, gpio_name = load_gpio(args.gpio)
        log.info("GPIO: %s, pins %s", gpio_name, pins)
        self.leds = LedBank(gpio, pins)
        self.leds.setup()

    def _loop(self, args: argparse.Namespace) -> None:
        started = time.monotonic()
        with self._end_lock:
            self._running = True
        if args.capture_only:
            assert self.output is not None
            frames = capture_loop(self.backend, self.output, self.stop)
        else:
            frames = classification_loop(self.backend, self.leds, ResultGate(args.print_rate),
                                         args.threshold, args.print_scores, self.stop,
                                         output=self.output)
        elapsed = max(time.monotonic() - started, 1e-9)
        log.info("%d frames in %.2f s (%.1f frames/s)", frames, elapsed, frames / elapsed)

    def _seal_frames(self) -> None:
        """The frames still pending go out (not when stopping), then no frame line more:
        the last lines stay the LEDs', the end's and the error's."""
        if self.output is not None:
            stopping = self.stop.is_set()
            self.output.close(0.0 if stopping else 2.0, drop_previews=stopping)

    def end(self, reason: str) -> None:
        """The `inference_end` line, once, after the last frame line, if the loop ran."""
        # a camera that never delivered a frame never ran: its error line says it all
        delivered = not getattr(self.backend, "_first", False)
        with self._end_lock:
            if self._running and delivered:
                record("inference_end", reason=reason)
            self._running = False

    def fail(self, reason: str, end_reason: str = "error") -> None:
        self._seal_frames()
        if self.leds is not None:
            self.leds.close()
        self.end("stopped" if self.stop.is_set() else end_reason)
        if not self.stop.is_set():
            error_line(reason)
            self.exit_code = 1

    def shut_down(self, worker: threading.Thread) -> bool:
        """LEDs off, GPIO cleaned up, camera released; True if nothing is left blocked."""
        self.stop.set()
        interrupt = getattr(self.backend, "interrupt", None)
        if interrupt is not None:
            interrupt()
        worker.join(SHUTDOWN_WAIT_S)
        finished = not worker.is_alive()
        self._seal_frames()
        self.end("stopped")      # the worker is stuck (or done): the main thread says it
        if self.leds is not None:
            self.leds.close()
        if self.backend is not None and finished:
            finished = self.backend.close()
        if not finished:
            log.warning("camera read still blocked: leaving it to the OS to release")
        return finished


def run(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of my-imagenet.py; returns the exit status."""
    argv = list(sys.argv if argv is None else argv)
    program = os.path.basename(argv[0]) if argv else "my-imagenet.py"
    args, passthrough = build_parser(program).parse_known_args(argv[1:])
    logging.basicConfig(level=args.log_level, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    session = Session()
    stopped_by: List[int] = []

    def on_signal(signum: int, frame: Any) -> None:
        stopped_by.append(signum)
        session.stop.set()
        session.done.set()

    for signum in STOP_SIGNALS:
        signal.signal(signum, on_signal)
    worker = threading.Thread(target=session.work, args=(args, passthrough, argv[0]),
                              name="classifier", daemon=True)
    worker.start()
    while not session.done.wait(0.2):
        pass
    finished = session.shut_down(worker)
    if stopped_by:
        log.info("stopped by signal %d", stopped_by[0])
    code = 0 if stopped_by else session.exit_code
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        finished = False  # stdout is gone (SSH dropped): Python's own exit flush would fail
    if not finished:  # a C call still holds a thread, or stdout is dead: leave now
        os._exit(code)
    return code
