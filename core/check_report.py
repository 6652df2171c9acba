"""What a machine check found, as plain data: the table the window's Machines tab and
``ai_nano.py --check`` both show. Kept apart from checks.py (which connects to machines) so
the passive widgets can draw results without importing any network code."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.messages import QT_TRANSLATE_NOOP

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"

#: The checks in table order: key and column title.
CHECKS: tuple[tuple[str, str], ...] = (
    ("reachable", "Reachable"),
    ("login", "Login"),
    ("python", "Python"),
    ("software", "PyTorch / runtime"),
    ("camera", "Camera"),
    ("disk", "Free disk"),
)

@dataclass(frozen=True)
class CheckResult:
    """One cell of the table: a state (ok, warn, fail, skip), a short text, and for a
    failure the longer explanation with what to do."""

    state: str
    text: str
    detail: str = ""


@dataclass
class CheckRow:
    """All checks of one machine, keyed by the names in CHECKS."""

    machine: str
    role: str  # "dl" | "nano"
    address: str
    results: dict[str, CheckResult] = field(default_factory=dict)
    #: Set when the machine presented a host key we do not know yet: the window can ask
    #: the user to accept it (machines.remember_host_key) and check again.
    unknown_host_key: Any = field(default=None, compare=False)  # UnknownHostKey

    @property
    def failed(self) -> bool:
        """True when at least one check is red."""
        return any(result.state == FAIL for result in self.results.values())

    def result(self, key: str) -> CheckResult:
        """The result of one check (grey "not checked" when it never ran)."""
        return self.results.get(key, CheckResult(SKIP, QT_TRANSLATE_NOOP("core", "not checked")))
