"""What a job achieved when its runner died before recording it (kill -9, the OOM killer).

The runner (job.py) records the command's end in state.json and exit_code. If the runner
itself is killed, the command (train.py) goes on in its own process group and may save its
model; without this, the app said "the job's processes ended without recording a result"
although the training had finished. The command's own output says how it ended: train.py's
last `@ai_nano {"event": "end", ...}` line, or its `error: ...` line.

A sibling of job.py, copied to the server with it; only the standard library is used.
"""
from __future__ import annotations

import json
import logging
import signal
from typing import Any, Dict, List, Optional

from dl_common import MARKER

log = logging.getLogger(__name__)


TAIL_BYTES = 65536
RUNNER_DIED = "the job runner was killed (kill -9, or the system ran out of memory)"
OUT_OF_MEMORY = ("killed by SIGKILL: it may have run out of memory (the system's "
                 "out-of-memory killer sends SIGKILL); try a smaller --batch-size or resolution")


def _tail_lines(path: str) -> List[str]:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(0, size - TAIL_BYTES))
            data = handle.read()
    except OSError:
        return []
    return [line.strip() for line in data.decode("utf-8", "replace").splitlines() if line.strip()]


def _event(line: str) -> Optional[Dict[str, Any]]:
    if not line.startswith(MARKER):
        return None
    try:
        data = json.loads(line[len(MARKER):])
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def orphan_outcome(log_path: str, exit_code: Optional[int]) -> Dict[str, Any]:
    """The fields to put in the state of a job whose runner died: finished when the command
    printed its `end` event (or exit_code says 0), failed with its own reason otherwise."""
    lines = _tail_lines(log_path)
    for line in reversed(lines):
        event = _event(line)
        if event is not None and event.get("event") == "end":
            return {"state": "finished", "exit_code": 0,
                    "reason": RUNNER_DIED + ", after the command had finished"}
    if exit_code == 0:
        return {"state": "finished", "exit_code": 0, "reason": RUNNER_DIED}
    errors = [line[len("error:"):].strip() for line in lines if line.startswith("error:")]
    if errors:
        return {"state": "failed", "exit_code": exit_code, "reason": errors[-1]}
    return {"state": "failed", "exit_code": exit_code,
            "reason": RUNNER_DIED + " and the command ended without recording a result"}


def describe_exit(code: int) -> str:
    """'exit status 2', 'killed by SIGTERM', or the out-of-memory hint for SIGKILL."""
    if code > 128 and code - 128 < signal.NSIG:
        try:
            name = signal.Signals(code - 128).name
        except ValueError:
            return "exit status %d" % code
        return OUT_OF_MEMORY if name == "SIGKILL" else "killed by %s" % name
    return "exit status %d" % code
