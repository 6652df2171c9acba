"""Talking to the lab's machines: run commands and copy files, over SSH or locally.

``core.machines.open_connection(machine)`` gives a ``Connection``: ``SshConnection``
(paramiko, host keys checked against known_hosts; in ssh.py) for a remote machine,
``LocalConnection`` (subprocess, shutil; in local.py) when the machine is this computer.
Both have the same methods and the same behaviour, so the pipeline has one code path for a
lab and for a single laptop.

Rules every command follows:
- commands are argv lists; over SSH each argument is ``shlex.quote``d, locally no shell
  is involved; a leading "~" in the program (argv[0]), ``cwd`` and file paths is expanded
  here, never by a remote shell; relative paths start from the home folder on both;
- output is streamed line by line; ``stop`` ends the whole process group (SIGTERM, then
  SIGKILL after ``STOP_GRACE_S``), so nothing is left running on a Nano;
- files are written under ``<name>.part`` and renamed, so a half-copied file is never used;
- Python scripts run unbuffered (PYTHONUNBUFFERED=1) so their lines arrive as printed.
Passwords are never logged nor put in messages.

This module holds what both share: the errors, the abstract ``Connection`` and the
stop/timeout logic. Callers import from the package ``core.machines``, which adds the two
implementations and ``open_connection``.
"""

from __future__ import annotations

import base64
import codecs
import hashlib
import logging
import os
import posixpath
import queue
import signal
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from core.config import MachineConfig

log = logging.getLogger(__name__)

DEFAULT_KNOWN_HOSTS = Path.home() / ".config" / "ai_nano" / "known_hosts"
# Read by ssh.py at each connect, so a test can point it elsewhere.
SYSTEM_KNOWN_HOSTS = Path.home() / ".ssh" / "known_hosts"
STOP_GRACE_S = 3.0  # SIGTERM, then SIGKILL this much later
KEEPALIVE_S = 15
CHUNK_SIZE = 32768

LineCallback = Callable[[str], None]
Requests = queue.Queue[str]   # lines for a running command's stdin (Connection.run)
ProgressCallback = Callable[[int, int], None]
Sink = Callable[[bytes], None]


class MachineError(Exception):
    """Anything that went wrong with a machine; str() is one readable line."""


class Unreachable(MachineError):
    """Refused, timed out, no route, unknown name: the machine cannot be reached."""


class AuthenticationFailed(MachineError):
    """The server refused the password or the key (the message says which)."""


class HostKeyChanged(MachineError):
    """The server's key differs from the remembered one: refused (possible impostor)."""


class HostKey(Protocol):
    """What the app needs of a server's public key (paramiko's PKey has it), so only
    ssh.py has to know paramiko."""

    def get_name(self) -> str: ...
    def asbytes(self) -> bytes: ...
    def get_base64(self) -> str: ...


class UnknownHostKey(MachineError):
    """First contact: the user must confirm the fingerprint, then remember_host_key()."""

    def __init__(self, host: str, port: int, key: HostKey) -> None:
        self.host, self.port, self.key = host, port, key
        self.key_type = key.get_name()
        self.fingerprint = fingerprint(key)
        where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"  # config.host_port
        super().__init__(f"{where} is not known yet: its {self.key_type} key is "
                         f"{self.fingerprint}; confirm it before connecting")


class ConnectionLost(MachineError):
    """The link broke during an operation."""


class RemoteCommandFailed(MachineError):
    """A command of output() exited with a non-zero status."""

    def __init__(self, message: str, returncode: int, output: str) -> None:
        super().__init__(message)
        self.returncode, self.output = returncode, output


class CommandTimeout(MachineError):
    """run()/output() ran past its timeout; the process was stopped."""


def fingerprint(key: HostKey) -> str:
    """OpenSSH-style ``SHA256:<base64 without padding>`` fingerprint of a host key."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def _known_hosts_name(host: str, port: int) -> str:
    return host if port == 22 else f"[{host}]:{port}"


def remember_host_key(known_hosts: Path, error: UnknownHostKey) -> None:
    """Add the key the user confirmed to the app's known_hosts (atomically, mode 600)."""
    known_hosts = Path(known_hosts)
    known_hosts.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    old = known_hosts.read_text() if known_hosts.exists() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    line = f"{_known_hosts_name(error.host, error.port)} {error.key_type} {error.key.get_base64()}"
    part = known_hosts.with_name(known_hosts.name + ".part")
    part.write_text(old + line + "\n")
    os.chmod(part, 0o600)
    os.replace(part, known_hosts)
    log.info("remembered host key %s for %s:%s", error.fingerprint, error.host, error.port)


def expand_home(path: str, home: str) -> str:
    """``~`` and ``~/x`` -> under ``home``; other paths unchanged (no ``~user``)."""
    if path == "~":
        return home
    if path.startswith("~/"):
        return home.rstrip("/") + path[1:]
    return path



def _check_argv(argv: Sequence[str]) -> list[str]:
    if isinstance(argv, (str, bytes)) or not argv:
        raise TypeError("argv must be a non-empty list of strings, not a command string")
    if not all(isinstance(arg, str) for arg in argv):
        raise TypeError("every argument must be a string")
    return list(argv)


class _LineSplitter:
    """Bytes in, complete text lines out (UTF-8, bad bytes replaced, CR/LF removed)."""

    def __init__(self, on_line: LineCallback | None) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""
        self._on_line = on_line

    def feed(self, data: bytes) -> None:
        self._pending += self._decoder.decode(data)
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            self._emit(line)

    def flush(self) -> None:
        self._pending += self._decoder.decode(b"", final=True)
        if self._pending:
            self._emit(self._pending)
        self._pending = ""

    def _emit(self, line: str) -> None:
        if self._on_line is not None:
            self._on_line(line.rstrip("\r"))


class Connection:
    """What the pipeline needs from a machine; see SshConnection and LocalConnection."""

    machine: MachineConfig

    def home(self) -> str:
        raise NotImplementedError

    def expand(self, path: str) -> str:
        """An absolute path there: ``~`` is the home folder, and relative paths start
        from it too (as in SFTP), whatever this process's current folder is."""
        if path.startswith("~"):
            path = expand_home(path, self.home())
        return path if path.startswith("/") else posixpath.join(self.home(), path)

    def workdir(self) -> str:
        return self.expand(self.machine.workdir)

    def _execute(self, argv: list[str], cwd: str | None, *, merge: bool, pty: bool,
                 stop: threading.Event | None, timeout: float | None,
                 on_out: Sink, on_err: Sink, requests: Requests | None = None) -> int:
        """Run argv; give raw output to on_out/on_err; write `requests` lines to its
        stdin (echo off on a pty); return the exit status."""
        raise NotImplementedError

    def _prepare(self, argv: Sequence[str], cwd: str | None) -> tuple[list[str], str | None]:
        argv = _check_argv(argv)
        if argv[0].startswith("~"):  # e.g. "python": "~/venv/bin/python"; "python3" stays
            argv[0] = expand_home(argv[0], self.home())
        return argv, (self.expand(cwd) if cwd is not None else None)

    def run(self, argv: Sequence[str], *, cwd: str | None = None,
            on_line: LineCallback | None = None, stop: threading.Event | None = None,
            pty: bool = False, timeout: float | None = None,
            requests: Requests | None = None) -> int:
        """Run ``argv`` there, streaming stdout+stderr lines to ``on_line``.

        Each text put in ``requests`` while it runs is written to its stdin followed by
        "\n" (within 0.1 s; a pty's echo is switched off first, so a request never comes
        back as output). Returns the exit status (negative: killed by that signal, as in
        subprocess).
        """
        argv, cwd = self._prepare(argv, cwd)
        splitter = _LineSplitter(on_line)
        log.debug("%s: run %s (cwd %s)", self.machine.name, argv, cwd)
        try:
            return self._execute(argv, cwd, merge=True, pty=pty, stop=stop, timeout=timeout,
                                 on_out=splitter.feed, on_err=splitter.feed, requests=requests)
        finally:
            splitter.flush()

    def output(self, argv: Sequence[str], *, cwd: str | None = None,
               timeout: float | None = 60.0) -> str:
        """stdout of ``argv``; RemoteCommandFailed (with the stderr tail) if it fails."""
        argv, cwd = self._prepare(argv, cwd)
        out: list[bytes] = []
        err: list[bytes] = []
        code = self._execute(argv, cwd, merge=False, pty=False, stop=None, timeout=timeout,
                             on_out=out.append, on_err=err.append)
        text = b"".join(out).decode("utf-8", "replace")
        if code != 0:
            tail = (b"".join(err).decode("utf-8", "replace") or text).strip()[-2000:]
            last = tail.splitlines()[-1] if tail else "no message"
            raise RemoteCommandFailed(
                f"{self.machine.name}: {posixpath.basename(argv[0])} failed "
                f"(exit status {code}): {last}", code, tail)
        return text

    # File operations, implemented by each transport.
    def put_file(self, local: Path | str, remote: str,
                 on_progress: ProgressCallback | None = None) -> None:
        raise NotImplementedError

    def get_file(self, remote: str, local: Path | str,
                 on_progress: ProgressCallback | None = None) -> None:
        raise NotImplementedError

    def exists(self, remote: str) -> bool:
        raise NotImplementedError

    def listdir(self, remote: str) -> list[str]:
        """Sorted names in the folder; [] when it does not exist."""
        raise NotImplementedError

    def makedirs(self, remote: str) -> None:
        raise NotImplementedError

    def reserve_dir(self, remote: str) -> bool:
        """Create the folder only if it does not exist yet: True when this call made it.

        ``mkdir`` (without -p) is atomic on POSIX, so of two laptops reserving the same
        name in the same second exactly one gets it; the parent is created first.
        """
        path = self.expand(remote)
        self.makedirs(posixpath.dirname(path))
        lines: list[str] = []
        for _ in range(3):   # "File exists", then gone: its maker removed it meanwhile (a lock)
            if self.run(["mkdir", "--", path], on_line=lines.append, timeout=30) == 0:
                return True
            if self.exists(path):
                return False
        raise MachineError(f"{self.machine.name}: cannot create folder {path}: "
                           f"{lines[-1] if lines else 'mkdir failed'}")

    def read_text(self, remote: str) -> str:
        raise NotImplementedError

    def write_text(self, remote: str, text: str) -> None:
        """Atomic: written under ``.part``, then renamed."""
        raise NotImplementedError

    def remove(self, remote: str) -> None:
        """A file or a whole folder; nothing when missing."""
        raise NotImplementedError

    def disk_free(self, remote: str) -> int:
        """Free bytes on the disk holding ``remote`` (or its nearest existing parent)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the connection (idempotent)."""

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _error(self, message: str) -> MachineError:
        return MachineError(f"{self.machine.name}: {message}")


def pending_requests(requests: Requests | None) -> list[bytes]:
    """The request lines waiting in the queue, encoded with their newline (never blocks)."""
    lines: list[bytes] = []
    while requests is not None:
        try:
            text = requests.get_nowait()
        except queue.Empty:
            break
        lines.append(text.rstrip("\r\n").encode("utf-8") + b"\n")
    return lines


def local_part_path(local: Path) -> Path:
    """Where a file is written before it is renamed into place (never used half-written)."""
    return local.with_name(local.name + ".part")


class Stopper:
    """SIGTERM when ``stop`` is set or the timeout passes, SIGKILL STOP_GRACE_S later."""

    def __init__(self, send: Callable[[int], None], timeout: float | None) -> None:
        self._send = send
        self._deadline = time.monotonic() + timeout if timeout else None
        self._timeout = timeout
        self.signal = 0
        self.timed_out = False
        self._kill_at = 0.0

    def tick(self, stop: threading.Event | None, ready: bool = True) -> None:
        now = time.monotonic()
        if not self.signal and self._deadline is not None and now > self._deadline:
            self.timed_out = True
        if not self.signal and (self.timed_out or (stop is not None and stop.is_set())):
            if ready:
                self.signal, self._kill_at = signal.SIGTERM, now + STOP_GRACE_S
                self._send(signal.SIGTERM)
        elif self.signal == signal.SIGTERM and now >= self._kill_at:
            self.signal, self._kill_at = signal.SIGKILL, now + STOP_GRACE_S
            self._send(signal.SIGKILL)

    @property
    def given_up(self) -> bool:
        """SIGKILL sent a while ago and still no exit: stop waiting."""
        return self.signal == signal.SIGKILL and time.monotonic() > self._kill_at

    def result(self, code: int, name: str) -> int:
        if self.timed_out:
            raise CommandTimeout(f"{name}: the command took longer than {self._timeout:g} s "
                                 f"and was stopped")
        return code
