"""Stand-in for Jetson.GPIO: every call recorded (see fake_jetson_core)."""
import sys

from fake_jetson_core import FakeGPIOModule

sys.modules[__name__] = FakeGPIOModule("Jetson.GPIO")  # type: ignore[assignment]
