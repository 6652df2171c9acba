"""Talking to the lab's machines: run commands and copy files, over SSH or locally.

``open_connection(machine)`` gives a ``Connection``: ``SshConnection`` (paramiko, host keys
checked against known_hosts) for a remote machine, ``LocalConnection`` (subprocess, shutil)
when the machine is this computer. Both have the same methods and the same behaviour, so
the pipeline has one code path for a lab and for a single laptop.

Rules every command follows:
- commands are argv lists; over SSH each argument is ``shlex.quote``d, locally no shell
  is involved; a leading "~" in the program (argv[0]), ``cwd`` and file paths is expanded
  here, never by a remote shell; relative paths start from the home folder on both;
- output is streamed line by line; ``stop`` ends the whole process group (SIGTERM, then
  SIGKILL after ``STOP_GRACE_S``), so nothing is left running on a Nano;
- files are written under ``<name>.part`` and renamed, so a half-copied file is never used;
- Python scripts run unbuffered (PYTHONUNBUFFERED=1) so their lines arrive as printed.
Passwords are never logged nor put in messages.
"""

from __future__ import annotations

import base64
import codecs
import errno
import hashlib
import io
import logging
import os
import posixpath
import pty as pty_module
import select
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import paramiko

from config import MachineConfig

log = logging.getLogger(__name__)

DEFAULT_KNOWN_HOSTS = Path.home() / ".config" / "ai_nano" / "known_hosts"
SYSTEM_KNOWN_HOSTS = Path.home() / ".ssh" / "known_hosts"
STOP_GRACE_S = 3.0  # SIGTERM, then SIGKILL this much later
KEEPALIVE_S = 15
_CHUNK = 32768
_PID_MARKER = b"@ai_nano_pid "

LineCallback = Callable[[str], None]
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


class UnknownHostKey(MachineError):
    """First contact: the user must confirm the fingerprint, then remember_host_key()."""

    def __init__(self, host: str, port: int, key: paramiko.PKey) -> None:
        self.host, self.port, self.key = host, port, key
        self.key_type = key.get_name()
        self.fingerprint = fingerprint(key)
        super().__init__(f"{host}:{port} is not known yet: its {self.key_type} key is "
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


def fingerprint(key: paramiko.PKey) -> str:
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


def _shell_script(argv: Sequence[str], cwd: str | None, merge: bool) -> str:
    """The POSIX sh line that runs ``argv``: every argument quoted, nothing expanded.

    It prints ``@ai_nano_pid <pid>`` first so we can signal the process group later;
    ``exec`` keeps that pid for the program, which sshd made a session leader.
    """
    parts = ["PYTHONUNBUFFERED=1; export PYTHONUNBUFFERED;"]
    if merge:
        parts.append("exec 2>&1;")
    if cwd is not None:
        parts.append(f'cd -- {shlex.quote(cwd)} 2>/dev/null || '
                     f'{{ echo "@ai_nano_pid $$ nocwd"; exit 126; }};')
    parts.append('echo "@ai_nano_pid $$";')
    parts.append("exec " + " ".join(shlex.quote(arg) for arg in argv))
    return " ".join(parts)


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
                 on_out: Sink, on_err: Sink) -> int:
        """Run argv; give raw output to on_out/on_err; return the exit status."""
        raise NotImplementedError

    def _prepare(self, argv: Sequence[str], cwd: str | None) -> tuple[list[str], str | None]:
        argv = _check_argv(argv)
        if argv[0].startswith("~"):  # e.g. "python": "~/venv/bin/python"; "python3" stays
            argv[0] = expand_home(argv[0], self.home())
        return argv, (self.expand(cwd) if cwd is not None else None)

    def run(self, argv: Sequence[str], *, cwd: str | None = None,
            on_line: LineCallback | None = None, stop: threading.Event | None = None,
            pty: bool = False, timeout: float | None = None) -> int:
        """Run ``argv`` there, streaming stdout+stderr lines to ``on_line``.

        Returns the exit status (negative: killed by that signal, as in subprocess).
        """
        argv, cwd = self._prepare(argv, cwd)
        splitter = _LineSplitter(on_line)
        log.debug("%s: run %s (cwd %s)", self.machine.name, argv, cwd)
        try:
            return self._execute(argv, cwd, merge=True, pty=pty, stop=stop, timeout=timeout,
                                 on_out=splitter.feed, on_err=splitter.feed)
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


def _local_part(local: Path) -> Path:
    return local.with_name(local.name + ".part")


class LocalConnection(Connection):
    """This computer: local processes (own process group) and local files."""

    def __init__(self, machine: MachineConfig) -> None:
        self.machine = machine

    def home(self) -> str:
        return os.path.expanduser("~")

    def _execute(self, argv: list[str], cwd: str | None, *, merge: bool, pty: bool,
                 stop: threading.Event | None, timeout: float | None,
                 on_out: Sink, on_err: Sink) -> int:
        if cwd is not None and not os.path.isdir(cwd):
            raise self._error(f"folder not found: {cwd}")
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        master = slave = -1
        if pty:
            master, slave = pty_module.openpty()
            streams = dict(stdin=slave, stdout=slave, stderr=slave)
        else:
            streams = dict(stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
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
        sent = _Stopper(lambda sig: _killpg(process.pid, sig), timeout)
        try:
            while True:
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
            for stream in (process.stdout, process.stderr):
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
        part = _local_part(target)
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
        part = _local_part(target)
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
            data = os.read(fd, _CHUNK)
        except OSError:  # EIO: the pty's other side is closed
            data = b""
        if data:
            readers[fd](data)
        else:
            del readers[fd]


def _killpg(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class _Stopper:
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


class _RejectUnknownHost(paramiko.MissingHostKeyPolicy):
    """Stop right after the key exchange, before any authentication is sent."""

    def __init__(self, host: str, port: int) -> None:
        self._host, self._port = host, port

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str,
                         key: paramiko.PKey) -> None:
        raise UnknownHostKey(self._host, self._port, key)


@contextmanager
def _ssh_errors(connection: SshConnection, what: str) -> Iterator[None]:
    """Turn paramiko/socket/SFTP errors into one-line MachineErrors."""
    try:
        yield
    except MachineError:
        raise
    except (OSError, EOFError, paramiko.SSHException) as error:
        if connection.lost_after(error):
            raise ConnectionLost(f"{connection.machine.name}: the connection was lost "
                                 f"during {what}") from None
        reason = {errno.ENOENT: "no such file or folder", errno.EACCES: "permission denied",
                  errno.ENOSPC: "no space left on the disk"}.get(
            getattr(error, "errno", None), str(error) or type(error).__name__)
        raise connection._error(f"{what}: {reason}") from None


class SshConnection(Connection):
    """A remote machine over SSH (paramiko): commands on channels, files over SFTP."""

    def __init__(self, machine: MachineConfig, client: paramiko.SSHClient,
                 timeout: float) -> None:
        self.machine = machine
        self._client = client
        self._timeout = timeout
        self._sftp: paramiko.SFTPClient | None = None
        self._home: str | None = None
        self._lock = threading.Lock()

    @classmethod
    def connect(cls, machine: MachineConfig, known_hosts: Path = DEFAULT_KNOWN_HOSTS,
                timeout: float = 5.0) -> SshConnection:
        """Connect and authenticate; raises the MachineError subclass that says why not."""
        name, where = machine.name, f"{machine.host}:{machine.port}"
        key_file = os.path.expanduser(machine.key_file) if machine.key_file else None
        if key_file and not os.path.isfile(key_file):
            raise AuthenticationFailed(f"{name}: key file not found: {key_file}")
        client = paramiko.SSHClient()
        for path, load in ((SYSTEM_KNOWN_HOSTS, client.load_system_host_keys),
                           (Path(known_hosts), client.load_host_keys)):
            if path.is_file():
                try:
                    load(str(path))  # read only: paramiko saves nothing by itself
                except (OSError, paramiko.SSHException) as error:
                    log.warning("cannot read %s: %s", path, error)
        client.set_missing_host_key_policy(_RejectUnknownHost(machine.host, machine.port))
        # Try only what the config names; with neither, do what ssh does (agent, ~/.ssh).
        nothing_given = not machine.password and not key_file
        try:
            client.connect(
                machine.host, port=machine.port, username=machine.login,
                password=machine.password or None, key_filename=key_file,
                passphrase=machine.password or None,
                allow_agent=nothing_given, look_for_keys=nothing_given,
                timeout=timeout, banner_timeout=timeout * 0.9, auth_timeout=timeout * 3,
                channel_timeout=timeout * 3)
        except UnknownHostKey:
            client.close()
            raise
        except paramiko.BadHostKeyException as error:
            client.close()
            raise HostKeyChanged(
                f"{name}: the host key of {where} has CHANGED ({fingerprint(error.key)}, "
                f"remembered {fingerprint(error.expected_key)}): refused; if the machine was "
                f"reinstalled, remove its line from the known_hosts file") from None
        except paramiko.PasswordRequiredException:
            client.close()
            raise AuthenticationFailed(f"{name}: the key file {key_file} is protected by a "
                                       f"passphrase: put it in \"pwd\" or use ssh-agent") from None
        except paramiko.AuthenticationException:
            client.close()
            if key_file and machine.password:
                what = f"the key {key_file} and the password were refused"
            elif key_file:
                what = f"the key {key_file} was refused (not in the server's authorized_keys?)"
            elif machine.password:
                what = "wrong password"
            else:
                what = "no password or key file in the config, and ssh-agent/~/.ssh keys were refused"
            raise AuthenticationFailed(f"{name}: login as {machine.login} on {where}: {what}") from None
        except (socket.timeout, TimeoutError):
            client.close()
            raise Unreachable(f"{name}: {where} did not answer within {timeout:g} s "
                              f"(switched off or not on this network?)") from None
        except paramiko.ssh_exception.NoValidConnectionsError:
            client.close()
            raise Unreachable(f"{name}: {where} refused the connection "
                              f"(no SSH server running on port {machine.port}?)") from None
        except socket.gaierror:
            client.close()
            raise Unreachable(f"{name}: unknown host name {machine.host!r}") from None
        except paramiko.SSHException as error:
            # paramiko's handshake wait and banner wait race: "No existing session" or
            # "Negotiation timed out" also mean no SSH server answered in time.
            client.close()
            if any(word in str(error) for word in ("banner", "No existing session",
                                                   "Negotiation timed out")):
                raise Unreachable(f"{name}: {where} accepted the connection but did not answer "
                                  f"as an SSH server within {timeout:g} s") from None
            raise MachineError(f"{name}: SSH to {where} failed: {error}") from None
        except OSError as error:
            client.close()
            raise Unreachable(f"{name}: cannot reach {where}: "
                              f"{error.strerror or error}") from None
        transport = client.get_transport()
        assert transport is not None
        transport.set_keepalive(KEEPALIVE_S)
        log.info("connected to %s", machine)
        return cls(machine, client, timeout)

    @property
    def alive(self) -> bool:
        transport = self._client.get_transport()
        return transport is not None and transport.is_active()

    def lost_after(self, error: BaseException) -> bool:
        """Whether ``error`` means the link is gone (waits up to 1 s for paramiko's
        reader thread to notice: the SFTP layer often sees the broken pipe first)."""
        if isinstance(error, OSError) and error.errno in (errno.ENOENT, errno.EACCES,
                                                           errno.ENOSPC):
            return False
        deadline = time.monotonic() + 1.0
        while self.alive and time.monotonic() < deadline:
            time.sleep(0.05)
        return not self.alive

    def _transport(self) -> paramiko.Transport:
        transport = self._client.get_transport()
        if transport is None or not transport.is_active():
            raise ConnectionLost(f"{self.machine.name}: the connection is closed")
        return transport

    def sftp(self) -> paramiko.SFTPClient:
        with self._lock:
            if self._sftp is None:
                with _ssh_errors(self, "opening SFTP"):
                    self._sftp = self._client.open_sftp()
                    self._sftp.get_channel().settimeout(max(self._timeout * 6, 30.0))
            return self._sftp

    def home(self) -> str:
        if self._home is None:
            with _ssh_errors(self, "finding the home folder"):
                self._home = self.sftp().normalize(".")
        return self._home

    def _signal_group(self, pid: int, sig: int) -> None:
        """Signal the remote process group through a second channel."""
        name = signal.Signals(sig).name[3:]
        try:
            channel = self._transport().open_session(timeout=self._timeout)
            channel.settimeout(self._timeout)
            # "kill -SIG -PGID" (no "--": dash's kill does not take it); the pid alone if
            # the process is not a group leader.
            channel.exec_command(f"kill -{name} -{pid} 2>/dev/null || kill -{name} {pid}")
            channel.recv_exit_status()
            channel.close()
        except (MachineError, OSError, EOFError, paramiko.SSHException) as error:
            log.warning("%s: could not send SIG%s to %s: %s", self.machine.name, name, pid, error)

    def _execute(self, argv: list[str], cwd: str | None, *, merge: bool, pty: bool,
                 stop: threading.Event | None, timeout: float | None,
                 on_out: Sink, on_err: Sink) -> int:
        with _ssh_errors(self, f"starting {posixpath.basename(argv[0])}"):
            channel = self._transport().open_session(timeout=self._timeout)
            if pty:
                channel.get_pty(term="dumb", width=1000)
            channel.exec_command(_shell_script(argv, cwd, merge))
        marker = _PidMarker(on_out)
        stopper = _Stopper(lambda sig: self._signal_group(marker.pid or 0, sig), timeout)
        try:
            while True:
                while channel.recv_ready():
                    marker.feed(channel.recv(_CHUNK))
                while channel.recv_stderr_ready():
                    on_err(channel.recv_stderr(_CHUNK))
                if channel.exit_status_ready() and not channel.recv_ready() \
                        and not channel.recv_stderr_ready():
                    break
                if not self.alive or stopper.given_up:
                    break
                stopper.tick(stop, ready=marker.pid is not None)
                select.select([channel], [], [], 0.1)
        except BaseException:
            if marker.pid and self.alive:
                self._signal_group(marker.pid, signal.SIGKILL)
            channel.close()
            raise
        marker.flush()
        if marker.no_cwd:
            channel.close()
            raise self._error(f"folder not found: {cwd}")
        code = channel.exit_status if channel.exit_status_ready() else -1
        channel.close()
        if code == -1:
            if not self.alive:  # paramiko reports -1 when the link died
                raise ConnectionLost(f"{self.machine.name}: the connection was lost while "
                                     f"{posixpath.basename(argv[0])} was running")
            if stopper.signal:  # sshd sent "exit-signal", which paramiko reports as -1
                code = -stopper.signal
        return stopper.result(code, self.machine.name)

    def put_file(self, local: Path | str, remote: str,
                 on_progress: ProgressCallback | None = None) -> None:
        local = Path(local)
        if not local.is_file():
            raise self._error(f"file not found on this computer: {local}")
        with open(local, "rb") as reader:
            self._upload(reader, local.stat().st_size, self.expand(remote),
                         f"uploading {local.name}", on_progress)

    def _upload(self, reader: IO[bytes], size: int, remote: str, what: str,
                on_progress: ProgressCallback | None) -> None:
        """SFTP to ``remote.part``, then rename; on failure the .part is removed and a
        full disk is named as such (SFTP itself only says "Failure")."""
        self.makedirs(posixpath.dirname(remote) or ".")
        part = remote + ".part"
        sftp = self.sftp()
        try:
            with _ssh_errors(self, what):
                sftp.putfo(reader, part, file_size=size, callback=on_progress, confirm=True)
                sftp.posix_rename(part, remote)
        except BaseException as error:
            if not self.alive:
                raise
            try:
                sftp.remove(part)
                free = self.disk_free(posixpath.dirname(remote) or ".")
            except (MachineError, OSError, paramiko.SSHException):
                raise error from None
            if isinstance(error, MachineError) and free < size:
                raise self._error(f"{what}: no space left on the disk ({free / 1e6:.1f} MB "
                                  f"free, {size / 1e6:.1f} MB needed)") from None
            raise

    def get_file(self, remote: str, local: Path | str,
                 on_progress: ProgressCallback | None = None) -> None:
        remote, local = self.expand(remote), Path(local)
        local.parent.mkdir(parents=True, exist_ok=True)
        part = _local_part(local)
        sftp = self.sftp()
        try:
            with _ssh_errors(self, f"downloading {remote}"):
                size = sftp.stat(remote).st_size or 0
                with open(part, "wb") as writer:
                    got = sftp.getfo(remote, writer, callback=on_progress)
                if got != size:
                    raise self._error(f"downloading {remote}: got {got} of {size} bytes")
            os.replace(part, local)
        finally:
            part.unlink(missing_ok=True)

    def exists(self, remote: str) -> bool:
        path = self.expand(remote)
        with _ssh_errors(self, f"checking {path}"):
            try:
                self.sftp().lstat(path)
                return True
            except FileNotFoundError:
                return False

    def listdir(self, remote: str) -> list[str]:
        path = self.expand(remote)
        with _ssh_errors(self, f"listing {path}"):
            try:
                return sorted(self.sftp().listdir(path))
            except FileNotFoundError:
                return []

    def makedirs(self, remote: str) -> None:
        path = self.expand(remote)
        sftp = self.sftp()
        with _ssh_errors(self, f"creating folder {path}"):
            missing = []
            while path not in ("", "/", "."):
                try:
                    if not stat.S_ISDIR(sftp.stat(path).st_mode or 0):
                        raise self._error(f"{path} exists and is not a folder")
                    break
                except FileNotFoundError:
                    missing.append(path)
                    path = posixpath.dirname(path)
            for folder in reversed(missing):
                sftp.mkdir(folder)

    def read_text(self, remote: str) -> str:
        path = self.expand(remote)
        with _ssh_errors(self, f"reading {path}"):
            with self.sftp().open(path, "rb") as reader:
                return reader.read().decode("utf-8")

    def write_text(self, remote: str, text: str) -> None:
        path, data = self.expand(remote), text.encode("utf-8")
        self._upload(io.BytesIO(data), len(data), path, f"writing {path}", None)

    def remove(self, remote: str) -> None:
        path = self.expand(remote)
        sftp = self.sftp()
        with _ssh_errors(self, f"removing {path}"):
            try:
                attributes = sftp.lstat(path)
            except FileNotFoundError:
                return
            if stat.S_ISDIR(attributes.st_mode or 0):
                for entry in sftp.listdir(path):
                    self.remove(posixpath.join(path, entry))
                sftp.rmdir(path)
            else:
                sftp.remove(path)

    def disk_free(self, remote: str) -> int:
        path = self.expand(remote)
        while not self.exists(path) and path not in ("", "/"):
            path = posixpath.dirname(path)
        lines = self.output(["df", "-Pk", "--", path or "/"]).splitlines()
        try:
            return int(lines[-1].split()[3]) * 1024
        except (IndexError, ValueError):
            raise self._error(f"cannot read the free space of {path} from df") from None

    def close(self) -> None:
        with self._lock:
            if self._sftp is not None:
                self._sftp.close()
                self._sftp = None
        self._client.close()


class _PidMarker:
    """Reads the ``@ai_nano_pid <pid>`` line our shell line prints before the program."""

    def __init__(self, on_out: Callable[[bytes], None]) -> None:
        self._on_out = on_out
        self._head = b""
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
            fields = line.strip().split()
            if line.startswith(_PID_MARKER) and len(fields) >= 2 and fields[1].isdigit():
                self.pid, self._done = int(fields[1]), True
                self.no_cwd = fields[-1] == b"nocwd"
            else:
                self._on_out(line + b"\n")
        if self._done and self._head:
            rest, self._head = self._head, b""
            self._on_out(rest)

    def flush(self) -> None:
        if self._head:
            self._on_out(self._head)
            self._head = b""


def open_connection(machine: MachineConfig, *, known_hosts: Path = DEFAULT_KNOWN_HOSTS,
                    timeout: float = 5.0) -> Connection:
    """A ready Connection to ``machine``: local, or SSH connected and logged in."""
    if machine.is_local:
        return LocalConnection(machine)
    return SshConnection.connect(machine, known_hosts=known_hosts, timeout=timeout)
