"""The markers around a command run over SSH: where the login's own output ends.

sshd runs each command through the user's login shell, whose start-up files may print
(a lab's ~/.bashrc greeting, a quota notice). The shell line below prints a marker with
its pid before it execs the program; everything before the marker is dropped, so the
greeting never reads as the command's output, and the pid lets Stop signal the process
group. Qt-free.
"""
from __future__ import annotations

import logging
import shlex
from typing import Callable, Sequence

log = logging.getLogger(__name__)

_PID_MARKER = b"@ai_nano_pid "
_ERR_MARKER = b"@ai_nano_stderr"


def shell_script(argv: Sequence[str], cwd: str | None, merge: bool,
                 echo_off: bool = False) -> str:
    """The POSIX sh line that runs ``argv``: every argument quoted, nothing expanded.

    It prints ``@ai_nano_pid <pid>`` first so we can signal the process group later;
    ``exec`` keeps that pid for the program, which sshd made a session leader.
    ``echo_off``: the pty echoes nothing, so lines written to the command's stdin (the
    app's requests, sent after the marker) never come back as output.
    """
    parts = ["PYTHONUNBUFFERED=1; export PYTHONUNBUFFERED;"]
    if echo_off:
        parts.append("stty -echo 2>/dev/null;")
    if merge:
        parts.append("exec 2>&1;")
    if cwd is not None:
        parts.append(f'cd -- {shlex.quote(cwd)} 2>/dev/null || '
                     f'{{ echo "@ai_nano_pid $$ nocwd"; exit 126; }};')
    parts.append('echo "@ai_nano_pid $$";')
    if not merge:  # where the login's own stderr ends (merged, it all goes to stdout)
        parts.append(f'echo "{_ERR_MARKER.decode()}" >&2;')
    parts.append("exec " + " ".join(shlex.quote(arg) for arg in argv))
    return " ".join(parts)


class PidMarker:
    """Reads the ``@ai_nano_pid <pid>`` line our shell line prints before the program.

    Everything before it comes from the login's start-up files (a lab's ~/.bashrc that
    greets, a quota notice): it is dropped, so it never reads as the command's output.
    On stderr the same holds up to the ``@ai_nano_stderr`` line (`err_marker`); merged
    commands send all their output to stdout, so their stderr channel only ever carries
    the login's. Held-back text is passed on if no marker ever comes (then something
    else went wrong, and the text may say what).
    """

    def __init__(self, on_out: Callable[[bytes], None],
                 on_err: Callable[[bytes], None] = lambda data: None,
                 err_marker: bool = False) -> None:
        self._on_out = on_out
        self._on_err = on_err
        self._err_marker = err_marker
        self._err_head = b""
        self._err_done = False
        self._head = b""
        self._before = b""  # complete lines before the marker
        self.pid: int | None = None
        self.no_cwd = False
        self._done = False

    def feed(self, data: bytes) -> None:
        if self._done:
            self._on_out(data)
            return
        self._head += data
        # Lines before the marker come from the login shell's start-up files: pass them on.
        while not self._done and b"\n" in self._head:
            line, self._head = self._head.split(b"\n", 1)
            at = line.find(_PID_MARKER)  # a greeting without a newline may precede it
            fields = line[at:].strip().split() if at >= 0 else []
            if len(fields) >= 2 and fields[1].isdigit():
                self.pid, self._done = int(fields[1]), True
                self.no_cwd = fields[-1] == b"nocwd"
            elif len(self._before) < 65536:  # kept until the marker shows it was chatter
                self._before += line + b"\n"
        if self._done and self._before:
            log.debug("login start-up output dropped: %r", self._before[:200])
            self._before = b""
        if self._done and self._head:
            rest, self._head = self._head, b""
            self._on_out(rest)

    def feed_err(self, data: bytes) -> None:
        if self._err_done:
            self._on_err(data)
            return
        self._err_head += data
        line_end = self._err_head.find(_ERR_MARKER + b"\n")
        if self._err_marker and line_end >= 0:
            log.debug("login start-up stderr dropped: %r", self._err_head[:line_end][:200])
            rest = self._err_head[line_end + len(_ERR_MARKER) + 1:]
            self._err_head, self._err_done = b"", True
            if rest:
                self._on_err(rest)

    def flush(self) -> None:
        """The command ended: what came before a marker that never came is passed on."""
        if self._before and not self._done:
            self._on_out(self._before)
        self._before = b""
        if self._head:
            self._on_out(self._head)
            self._head = b""
        if self._err_head and not self._done:
            self._on_err(self._err_head)
        elif self._err_head:
            log.debug("login start-up stderr dropped: %r", self._err_head[:200])
        self._err_head = b""
