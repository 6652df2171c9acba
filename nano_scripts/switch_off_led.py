#!/usr/bin/env python3
"""Switch off every LED of the board, whether or not a classification ever set them up.

    python3 switch_off_led.py [--pins 12,16,18] [--gpio auto|jetson|rpi|sim]

Why: after a crash or a lost connection a LED may stay lit; this puts the board back in a
known state. Exits 0 once all pins are low.
"""
import logging
import os
import sys
from typing import Optional, Sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from nano_common import DEFAULT_PINS_TEXT, ArgumentParser, error_line, log_level  # noqa: E402
from nano_gpio import GPIO_CHOICES, GpioError, load_gpio, parse_pins, switch_all_off  # noqa: E402

log = logging.getLogger(__name__)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = ArgumentParser(prog="switch_off_led.py", description=__doc__.splitlines()[0])
    parser.add_argument("--pins", default=DEFAULT_PINS_TEXT, help="BOARD pins of the LEDs")
    parser.add_argument("--gpio", choices=GPIO_CHOICES, default="auto")
    parser.add_argument("--log-level", default="WARNING", type=log_level,
                        help="silent, error, warning, info, verbose or debug (any case)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        pins = parse_pins(args.pins)
        gpio, name = load_gpio(args.gpio)
        switch_all_off(gpio, pins)
    except (GpioError, ValueError) as error:
        error_line(str(error))
        return 1
    log.info("pins %s off (%s)", pins, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
