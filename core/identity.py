"""Who is at this laptop: written beside a model (owner.json) and into a Nano's lock, so
the instructor view and a second student can say "alice on laptop-3 since 10:42"."""
from __future__ import annotations

import getpass
import logging
import socket
import time

from core.messages import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)


def laptop_identity(workspace: str = "") -> dict:
    """Login and host name of this laptop, the working space's name, and the time."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):   # no name for this uid (a container): the number will do
        login = "?"
    return {"login": login, "laptop": socket.gethostname(), "workspace": workspace,
            "time": time.time()}


def clock(seconds: object) -> str:
    """'10:42' (this laptop's local time) for a time.time() value; '?' for anything else."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        return "?"
    return time.strftime("%H:%M", time.localtime(seconds))


def describe_holder(holder: dict) -> str:
    """'alice on laptop-3 since 10:42 (model fruits-…)', the words the issue asks for."""
    return QT_TRANSLATE_NOOP("core", "{login} on {laptop} since {since} (model {model})").format(
        login=holder.get("login") or "?", laptop=holder.get("laptop") or "?",
        since=clock(holder.get("since")), model=holder.get("model") or "?")
