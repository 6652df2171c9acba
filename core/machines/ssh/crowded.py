"""A crowded SSH server: sshd drops connections beyond MaxStartups before its banner.

sshd's default MaxStartups 10:30:100 starts dropping unauthenticated connections beyond
ten at once, and a class opening the app together is exactly that case. Such a drop
(reset or closed before the SSH banner) is retried with jittered exponential backoff for
about CROWDED_RETRY_S in all, then named for what it is; a host that never answers is not
retried (its timeout already says so). ssh.py wraps its connect in `retry_crowded`.
"""
from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable

import paramiko

from core.machines.base import Unreachable
from core.messages import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

CROWDED_RETRY_S = 20.0
_FIRST_DELAY_S = 0.5
_retries = 0
_retries_lock = threading.Lock()
# paramiko's transport thread logs each dropped handshake with a traceback (ERROR): the
# app says what happened in one line instead, so keep those off stderr.
if logging.getLogger("paramiko.transport").level == logging.NOTSET:
    logging.getLogger("paramiko.transport").setLevel(logging.CRITICAL)


def retries() -> int:
    """Connection attempts retried so far in this process (the load test prints it)."""
    return _retries


def _dropped_before_banner(error: BaseException) -> bool:
    """A connection reset or closed by the server before its SSH banner (MaxStartups)."""
    if isinstance(error, (EOFError, ConnectionResetError, ConnectionAbortedError,
                          BrokenPipeError)):
        return True
    return (isinstance(error, paramiko.SSHException) and "banner" in str(error)
            and isinstance(error.__context__, (EOFError, ConnectionError)))


def retry_crowded(client: paramiko.SSHClient, who: str, attempt: Callable[[], None]) -> None:
    """attempt() until it gets past the banner; a crowded server is retried, then named."""
    global _retries
    deadline = time.monotonic() + CROWDED_RETRY_S
    delay = _FIRST_DELAY_S
    while True:
        try:
            attempt()
            return
        except (OSError, EOFError, paramiko.SSHException) as error:
            if not _dropped_before_banner(error):
                raise
            pause = delay * random.uniform(0.5, 1.5)
            if time.monotonic() + pause > deadline:
                client.close()
                raise Unreachable(QT_TRANSLATE_NOOP("core", "{who} refused new connections: too many at "
                                                    "once (tried for {seconds:g} s); its "
                                                    "administrator can raise MaxStartups in "
                                                    "sshd_config").format(
                    who=who, seconds=float(CROWDED_RETRY_S))) from None
            log.info("%s dropped the connection before its banner (%s): retrying in %.1f s",
                     who, type(error).__name__, pause)
            client.close()
            with _retries_lock:
                _retries += 1
            time.sleep(pause)
            delay = min(delay * 2, 8.0)
