#!/usr/bin/env python3
"""Light each LED in turn so the instructor can check a Nano's wiring.

    python3 blink_leds.py [--pins 12,16,18] [--gpio auto|jetson|rpi|sim] [--cycles 2]
                          [--on-s 0.5] [--lock FILE]

Why: a LED on the wrong pin or in reverse shows up at once, before a student wonders why
"class 2" never lights. With --lock it refuses a Nano whose inference is running (it would
fight over the same pins) and says who uses it. Ends with every LED off; exits 0.
"""
import logging
import os
import signal
import sys
import time
from typing import Any, Optional, Sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from nano_common import DEFAULT_PINS_TEXT, ArgumentParser, error_line, write_line  # noqa: E402
from nano_gpio import GPIO_CHOICES, GpioError, LedBank, load_gpio, parse_pins  # noqa: E402
from nano_lock import Busy, acquire, release  # noqa: E402

log = logging.getLogger(__name__)


def blink(leds: LedBank, cycles: int, on_s: float) -> None:
    """Each pin on for on_s, one after the other, `cycles` times."""
    for _ in range(cycles):
        for index, pin in enumerate(leds.pins):
            write_line("blink pin %d (class #%d)" % (pin, index))
            leds.show(index)
            time.sleep(on_s)
    leds.show(None)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = ArgumentParser(prog="blink_leds.py", description=__doc__.splitlines()[0])
    parser.add_argument("--pins", default=DEFAULT_PINS_TEXT, help="BOARD pins of the LEDs")
    parser.add_argument("--gpio", choices=GPIO_CHOICES, default="auto")
    parser.add_argument("--cycles", type=int, default=2)
    parser.add_argument("--on-s", type=float, default=0.5)
    parser.add_argument("--lock", default="", help="the Nano's inference lock file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    fd = None
    leds = None

    def on_signal(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        if args.lock:
            fd = acquire(args.lock, {"login": "the instructor", "laptop": "blink_leds.py",
                                     "model": "LED test"})
        gpio, _name = load_gpio(args.gpio)
        leds = LedBank(gpio, parse_pins(args.pins))
        leds.setup()
        blink(leds, max(args.cycles, 1), max(args.on_s, 0.01))
    except Busy as busy:
        error_line(str(busy))
        return 3
    except (GpioError, ValueError, OSError) as error:
        error_line(str(error))
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        if leds is not None:
            leds.close()
        if fd is not None:
            release(args.lock, fd)
    write_line("LED test done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
