"""LEDs on GPIO pins: Jetson.GPIO, RPi.GPIO, or a simulation that prints each change.

Why a simulation: on a PC, in the tests, or on a board without a GPIO library, the desktop
app still follows the LEDs through the printed `LED pin <n> on|off` lines.
Pins use BOARD numbering (the numbers printed on the 40-pin header), as on the Nano.
"""
import importlib
import logging
import threading
from types import ModuleType
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from nano_common import DEFAULT_PINS_TEXT, write_line

log = logging.getLogger(__name__)

GPIO_CHOICES = ("auto", "jetson", "rpi", "sim")
PERMISSION_FIX = ("no permission to use the GPIO pins: add the user to the gpio group "
                  "(sudo usermod -aG gpio $USER), then log in again")


class GpioError(Exception):
    """A GPIO problem the user can fix; str() is one readable line."""


def parse_pins(text: str) -> List[int]:
    """'12,16,18' -> [12, 16, 18]; raises ValueError with a readable reason."""
    pins: List[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or int(part) < 1:
            raise ValueError(f"--pins: '{part}' is not a pin number (expected e.g. {DEFAULT_PINS_TEXT})")
        if int(part) in pins:
            raise ValueError(f"--pins: pin {part} is listed twice")
        pins.append(int(part))
    return pins


class SimulatedGPIO:
    """The part of the RPi.GPIO / Jetson.GPIO API we use; prints each LED change."""

    BOARD = "BOARD"
    OUT = "OUT"
    LOW = 0
    HIGH = 1

    def __init__(self, emit: Callable[[str], None] = write_line) -> None:
        self._emit = emit
        self._levels: Dict[int, Optional[int]] = {}

    def setmode(self, mode: str) -> None:
        """Only BOARD numbering exists here."""

    def setwarnings(self, flag: bool) -> None:
        """Nothing to warn about in a simulation."""

    def setup(self, pin: int, mode: str, initial: Optional[int] = None) -> None:
        """With `initial` the level is known (no line); without it the next write prints."""
        self._levels[pin] = initial

    def output(self, pin: int, value: int) -> None:
        """Print `LED pin <n> on|off` when the level changes (or was unknown)."""
        level = 1 if value else 0
        if self._levels.get(pin) != level:
            self._levels[pin] = level
            self._emit(f"LED pin {pin} {'on' if level else 'off'}")

    def cleanup(self, *pins: Any) -> None:
        """Forget the pins, as the real libraries do."""
        self._levels.clear()


def _is_permission_problem(error: BaseException) -> bool:
    """Jetson.GPIO and RPi.GPIO report missing rights as PermissionError or RuntimeError."""
    if isinstance(error, PermissionError):
        return True
    return "permission" in str(error).lower() or "root" in str(error).lower()


def _import_gpio(module_name: str) -> ModuleType:
    """Import a GPIO library; a permission problem becomes a GpioError naming the fix."""
    try:
        return importlib.import_module(module_name)
    except Exception as error:  # the libraries raise RuntimeError/Exception on a wrong board
        if _is_permission_problem(error):
            raise GpioError(PERMISSION_FIX) from error
        raise


def load_gpio(choice: str) -> Tuple[Any, str]:
    """Return (gpio module or simulation, its name) for --gpio auto|jetson|rpi|sim."""
    if choice == "sim":
        return SimulatedGPIO(), "sim"
    candidates = {"jetson": ["Jetson.GPIO"], "rpi": ["RPi.GPIO"],
                  "auto": ["Jetson.GPIO", "RPi.GPIO"]}[choice]
    reasons = []
    for module_name in candidates:
        try:
            return _import_gpio(module_name), module_name
        except GpioError:
            raise
        except Exception as error:
            reasons.append(f"{module_name}: {error}")
            log.debug("cannot use %s: %s", module_name, error)
    if choice != "auto":
        raise GpioError(f"--gpio {choice}: {'; '.join(reasons)}")
    log.warning("no GPIO library usable (%s): LEDs are simulated", "; ".join(reasons))
    return SimulatedGPIO(), "sim"


class LedBank:
    """One LED per class; exactly the LED of the shown class is on.

    Thread-safe: the classification thread lights LEDs while the main thread may switch
    them all off on a signal; after close() nothing lights up again.
    """

    def __init__(self, gpio: Any, pins: Sequence[int]) -> None:
        self._gpio = gpio
        self.pins = list(pins)
        self._lock = threading.Lock()
        self._lit: Optional[int] = None
        self._closed = False

    def setup(self) -> None:
        """BOARD numbering, every pin an output, all off."""
        try:
            self._gpio.setwarnings(False)
            self._gpio.setmode(self._gpio.BOARD)
            for pin in self.pins:
                self._gpio.setup(pin, self._gpio.OUT, initial=self._gpio.LOW)
        except GpioError:
            raise
        except Exception as error:
            if _is_permission_problem(error):
                raise GpioError(PERMISSION_FIX) from error
            raise GpioError(f"cannot set up GPIO pins {self.pins}: {error}") from error

    def show(self, class_id: Optional[int]) -> None:
        """Light the LED of `class_id` (None or a class without a pin: none lit)."""
        wanted = self.pins[class_id] if class_id is not None and 0 <= class_id < len(self.pins) \
            else None
        with self._lock:
            if self._closed or wanted == self._lit:
                return
            if self._lit is not None:
                self._gpio.output(self._lit, self._gpio.LOW)
            if wanted is not None:
                self._gpio.output(wanted, self._gpio.HIGH)
            self._lit = wanted

    def close(self) -> None:
        """All LEDs off, then GPIO cleanup; safe to call twice and from any thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                for pin in self.pins:  # the simulation prints only the lit one
                    self._gpio.output(pin, self._gpio.LOW)
                self._lit = None
                self._gpio.cleanup()
            except Exception as error:  # never block shutdown on GPIO trouble
                log.warning("GPIO cleanup failed: %s", error)


def switch_all_off(gpio: Any, pins: Sequence[int]) -> None:
    """Drive every pin low then release it, whether or not it was set up before."""
    try:
        gpio.setwarnings(False)
        gpio.setmode(gpio.BOARD)
        for pin in pins:
            gpio.setup(pin, gpio.OUT)
            gpio.output(pin, gpio.LOW)
        gpio.cleanup()
    except GpioError:
        raise
    except Exception as error:
        if _is_permission_problem(error):
            raise GpioError(PERMISSION_FIX) from error
        raise GpioError(f"cannot switch off GPIO pins {list(pins)}: {error}") from error
