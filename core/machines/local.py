"""``LocalConnection``: the machine is this computer (subprocess in its own process group,
files with shutil), with exactly the behaviour of ``SshConnection`` so the pipeline has one
code path. Import it from ``machines``; this module only holds the implementation.
"""

from __future__ import annotations

import logging
import os
import pty as pty_module
import select
import shutil
import signal
import subprocess
import termios
import threading
from pathlib import Path

from core.config import MachineConfig
from core.machines.base import (CHUNK_SIZE, Connection, ProgressCallback, Requests, Sink,
                                local_part_path, pending_requests, Stopper)

log = logging.getLogger(__name__)


class LocalConnection(Connection):
    """This computer: local processes (own process group) and local files."""

    def __init__(self, machine: MachineConfig) -> None:
        self.machine = machine

    def home(self) -> str:
        return os.path.expanduser("~")

    def _execute(self, argv: list[str], cwd: str | None, *, merge: bool, pty: bool,
                 stop: threading.Event | None, timeout: float | None,
                 on_out: Sink, on_err: Sink, requests: Requests | None = None) -> int:
        if cwd is not None and not os.path.isdir(cwd):
            raise self._error(f"folder not found: {cwd}")
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        master = slave = -1
        if pty:
            master, slave = pty_module.openpty()
            if requests is not None:
                _echo_off(slave)
            streams = dict(stdin=slave, stdout=slave, stderr=slave)
        else:
            streams = dict(stdin=subprocess.PIPE if requests is not None else subprocess.DEVNULL,
                           stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT if merge else subprocess.PIPE)
        try:
            process = subprocess.Popen(argv, cwd=cwd, env=env, start_new_session=True, **streams)
        except FileNotFoundError:
            on_err(f"error: program not found: {argv[0]}\n".encode())
            return 127
        except PermissionError:
            on_err(f"error: permission denied: {argv[0]}\n".encode())
            return 126
        finally:
            if slave >= 0:
                os.close(slave)
        readers = {master: on_out} if pty else {process.stdout.fileno(): on_out}
        if not pty and not merge:
            readers[process.stderr.fileno()] = on_err
        sent = Stopper(lambda sig: _killpg(process.pid, sig), timeout)
        stdin = master if pty else (process.stdin.fileno() if process.stdin else -1)
        try:
            while True:
                if requests is not None and stdin >= 0:
                    stdin = _write_requests(stdin, pending_requests(requests))
                ready: list[int] = []
                if readers:
                    ready, _, _ = select.select(list(readers), [], [], 0.1)
                else:
                    try:
                        process.wait(timeout=0.1)
                    except subprocess.TimeoutExpired:
                        pass
                _read_ready(readers, ready)
                # Done when it exited and nothing is left to read (a left-over child
                # of the program may keep the pipe open: do not wait for it).
                if not ready and process.poll() is not None:
                    for _ in range(1000):  # what it wrote just before exiting (bounded)
                        last = select.select(list(readers), [], [], 0)[0] if readers else []
                        if not last:
                            break
                        _read_ready(readers, last)
                    break
                sent.tick(stop)
            code = process.returncode
        except BaseException:
            _killpg(process.pid, signal.SIGKILL)
            raise
        finally:
            for stream in (process.stdin, process.stdout, process.stderr):
                if stream is not None:
                    stream.close()
            if master >= 0:
                os.close(master)
        return sent.result(code, self.machine.name)

    def put_file(self, local: Path | str, remote: str,
                 on_progress: ProgressCallback | None = None) -> None:
        self._copy(Path(local), Path(self.expand(remote)), on_progress)

    def get_file(self, remote: str, local: Path | str,
                 on_progress: ProgressCallback | None = None) -> None:
        self._copy(Path(self.expand(remote)), Path(local), on_progress)

    def _copy(self, source: Path, target: Path, on_progress: ProgressCallback | None) -> None:
        if not source.is_file():
            raise self._error(f"file not found: {source}")
        part = local_part_path(target)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            total, done = source.stat().st_size, 0
            with open(source, "rb") as reader, open(part, "wb") as writer:
                while chunk := reader.read(1 << 20):
                    writer.write(chunk)
                    done += len(chunk)
                    if on_progress:
                        on_progress(done, total)
            os.replace(part, target)
        except OSError as error:
            raise self._error(f"cannot copy {source} to {target}: {error.strerror}") from None
        finally:
            part.unlink(missing_ok=True)

    def exists(self, remote: str) -> bool:
        return os.path.lexists(self.expand(remote))

    def listdir(self, remote: str) -> list[str]:
        try:
            return sorted(os.listdir(self.expand(remote)))
        except (FileNotFoundError, NotADirectoryError):
            return []

    def makedirs(self, remote: str) -> None:
        try:
            os.makedirs(self.expand(remote), exist_ok=True)
        except OSError as error:
            raise self._error(f"cannot create folder {remote}: {error.strerror}") from None

    def read_text(self, remote: str) -> str:
        try:
            return Path(self.expand(remote)).read_text(encoding="utf-8")
        except OSError as error:
            raise self._error(f"cannot read {remote}: {error.strerror}") from None

    def write_text(self, remote: str, text: str) -> None:
        target = Path(self.expand(remote))
        part = local_part_path(target)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            part.write_text(text, encoding="utf-8")
            os.replace(part, target)
        except OSError as error:
            part.unlink(missing_ok=True)
            raise self._error(f"cannot write {remote}: {error.strerror}") from None

    def remove(self, remote: str) -> None:
        path = self.expand(remote)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.unlink(path)

    def disk_free(self, remote: str) -> int:
        path = self.expand(remote)
        while not os.path.exists(path) and path not in ("", "/"):
            path = os.path.dirname(path)
        return shutil.disk_usage(path or "/").free


def _read_ready(readers: dict[int, Sink], ready: list[int]) -> None:
    """Read each ready descriptor once; forget those at end of file."""
    for fd in ready:
        try:
            data = os.read(fd, CHUNK_SIZE)
        except OSError:  # EIO: the pty's other side is closed
            data = b""
        if data:
            readers[fd](data)
        else:
            del readers[fd]


def _echo_off(terminal: int) -> None:
    """No echo on the pty: a request written to the command is not read back as output."""
    attributes = termios.tcgetattr(terminal)
    attributes[3] &= ~termios.ECHO
    termios.tcsetattr(terminal, termios.TCSANOW, attributes)


def _write_requests(fd: int, lines: list[bytes]) -> int:
    """Write the request lines to the command's stdin; -1 once it no longer reads it."""
    for line in lines:
        try:
            os.write(fd, line)
        except OSError as error:  # it exited, or closed its stdin: requests end here
            log.info("a request could not be written (%s): no more requests", error)
            return -1
    return fd


def _killpg(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
