"""Stand-in for RPi.GPIO: every call recorded (see fake_jetson_core)."""
import sys

from fake_jetson_core import FakeGPIOModule

sys.modules[__name__] = FakeGPIOModule("RPi.GPIO")  # type: ignore[assignment]
