"""``SshConnection``: a remote machine over SSH (paramiko): commands on channels, files
over SFTP, host keys checked against known_hosts. Import it from ``machines``; this module
only holds the implementation.
"""

from __future__ import annotations

import errno
import io
import logging
import os
import posixpath
import select
import signal
import socket
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import paramiko

from core.config import MachineConfig, host_port
from core.machines import base
from core.machines.ssh.crowded import retry_crowded as _retry_crowded
from core.machines.ssh.login import load_key, refused_message, sftp_start_failure
from core.machines.ssh.markers import PidMarker, shell_script
from core.machines.base import (CHUNK_SIZE, DEFAULT_KNOWN_HOSTS, KEEPALIVE_S, AuthenticationFailed,
                      Connection, ConnectionLost, HostKeyChanged, MachineError,
                      ProgressCallback, Requests, Sink, Unreachable, UnknownHostKey,
                      local_part_path, pending_requests, Stopper, fingerprint)

log = logging.getLogger(__name__)

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



def _load_host_keys(client: paramiko.SSHClient, known_hosts: Path) -> None:
    """The user's own known_hosts, then the app's; read only (paramiko saves nothing)."""
    for path, load in ((base.SYSTEM_KNOWN_HOSTS, client.load_system_host_keys),
                       (known_hosts, client.load_host_keys)):
        if path.is_file():
            try:
                load(str(path))
            except (OSError, paramiko.SSHException) as error:
                log.warning("cannot read %s: %s", path, error)


def _connect_failure(error: BaseException, machine: MachineConfig, timeout: float,
                     key_file: str, key_problem: str) -> MachineError | None:
    """What a failed connect means, as the MachineError to raise (None: not ours)."""
    name, where = machine.name, host_port(machine.host, machine.port)
    if isinstance(error, paramiko.BadHostKeyException):
        return HostKeyChanged(
            f"{name}: the host key of {where} has CHANGED ({fingerprint(error.key)}, "
            f"remembered {fingerprint(error.expected_key)}): refused; if the machine was "
            f"reinstalled, remove its line from the known_hosts file")
    if isinstance(error, paramiko.PasswordRequiredException):
        return AuthenticationFailed(f"{name}: the key file {key_file} is protected by a "
                                    f"passphrase: put it in \"pwd\" or use ssh-agent")
    if isinstance(error, paramiko.AuthenticationException):
        what = refused_message(error, key_file=key_file, key_problem=key_problem,
                               password=bool(machine.password))
        return AuthenticationFailed(f"{name}: login as {machine.login} on {where}: {what}")
    if isinstance(error, (socket.timeout, TimeoutError)):
        return Unreachable(f"{name}: {where} did not answer within {timeout:g} s "
                           f"(switched off or not on this network?)")
    if isinstance(error, paramiko.ssh_exception.NoValidConnectionsError):
        return Unreachable(f"{name}: {where} refused the connection "
                           f"(no SSH server running on port {machine.port}?)")
    if isinstance(error, socket.gaierror):
        return Unreachable(f"{name}: unknown host name {machine.host!r}")
    if isinstance(error, paramiko.SSHException):
        # paramiko's handshake wait and banner wait race: "No existing session" or
        # "Negotiation timed out" also mean no SSH server answered in time.
        if any(word in str(error) for word in ("banner", "No existing session",
                                               "Negotiation timed out")):
            return Unreachable(f"{name}: {where} accepted the connection but did not answer "
                               f"as an SSH server within {timeout:g} s")
        return MachineError(f"{name}: SSH to {where} failed: {error}")
    if isinstance(error, OSError):
        return Unreachable(f"{name}: cannot reach {where}: {error.strerror or error}")
    return None


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
        name, where = machine.name, host_port(machine.host, machine.port)
        key_file = os.path.expanduser(machine.key_file) if machine.key_file else None
        if key_file and not os.path.isfile(key_file):
            raise AuthenticationFailed(f"{name}: key file not found: {key_file}")
        key, key_problem = load_key(name, key_file, machine.password) if key_file else (None, "")
        client = paramiko.SSHClient()
        _load_host_keys(client, Path(known_hosts))
        client.set_missing_host_key_policy(_RejectUnknownHost(machine.host, machine.port))
        # Try only what the config names; with neither, do what ssh does (agent, ~/.ssh).
        nothing_given = not machine.password and not key_file
        try:
            _retry_crowded(client, f"{name}: {where}", lambda: client.connect(
                machine.host, port=machine.port, username=machine.login,
                password=machine.password or None, pkey=key,
                allow_agent=nothing_given, look_for_keys=nothing_given,
                timeout=timeout, banner_timeout=timeout * 0.9, auth_timeout=timeout * 3,
                channel_timeout=timeout * 3))
        except UnknownHostKey:
            client.close()
            raise
        except Exception as error:  # paramiko's and the socket's errors: one readable line
            client.close()
            said = _connect_failure(error, machine, timeout, key_file or "", key_problem)
            if said is None:
                raise
            raise said from None
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
                try:
                    with _ssh_errors(self, "opening SFTP"):
                        self._sftp = self._client.open_sftp()
                except paramiko.SFTPError as error:
                    raise self._error(sftp_start_failure(self.machine.host, error) or f"SFTP: {error}") from None
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
                 on_out: Sink, on_err: Sink, requests: Requests | None = None) -> int:
        with _ssh_errors(self, f"starting {posixpath.basename(argv[0])}"):
            channel = self._transport().open_session(timeout=self._timeout)
            if pty:
                channel.get_pty(term="dumb", width=1000)
            channel.exec_command(shell_script(argv, cwd, merge,
                                              echo_off=pty and requests is not None))
        marker = PidMarker(on_out, on_err, err_marker=not merge)
        stopper = Stopper(lambda sig: self._signal_group(marker.pid or 0, sig), timeout)
        try:
            while True:
                while channel.recv_ready():
                    marker.feed(channel.recv(CHUNK_SIZE))
                while channel.recv_stderr_ready():
                    marker.feed_err(channel.recv_stderr(CHUNK_SIZE))
                if channel.exit_status_ready() and not channel.recv_ready() \
                        and not channel.recv_stderr_ready():
                    break
                if not self.alive or stopper.given_up:
                    break
                if requests is not None and marker.pid is not None:  # echo is off by now
                    requests = self._send_requests(channel, requests)
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

    def _send_requests(self, channel: paramiko.Channel, requests: Requests) -> Requests | None:
        """Write waiting request lines to the command's stdin; None once it cannot."""
        for line in pending_requests(requests):
            try:
                channel.sendall(line)
            except (OSError, EOFError, paramiko.SSHException) as error:
                log.info("%s: a request could not be sent (%s): no more requests",
                         self.machine.name, error)
                return None
        return requests

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
        part = local_part_path(local)
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
                try:
                    sftp.mkdir(folder)
                except OSError:   # made meanwhile by another connection (a class at once)?
                    if not stat.S_ISDIR(sftp.stat(folder).st_mode or 0):
                        raise

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
