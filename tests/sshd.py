"""Real OpenSSH servers on 127.0.0.1 for the tests (Debian's /usr/sbin/sshd).

Each server has its own config, ed25519 host key, free port and pid file, and lets one
unprivileged test user log in by password or key. Nothing here mocks SSH: the app talks
to the same sshd a lab machine runs. See tests/conftest.py for the pytest fixtures.
"""

from __future__ import annotations

import fcntl
import logging
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paramiko

log = logging.getLogger(__name__)

SSHD = "/usr/sbin/sshd"
SSH_KEYGEN = "/usr/bin/ssh-keygen"
TEST_USER = "ainano"
# Spaces and punctuation on purpose: the password travels inside the SSH protocol,
# never through a shell, so it must survive unchanged.
TEST_PASSWORD = "Nano pass; $(x) 'q' 42!"
LOCALHOST = "127.0.0.1"
_LOCK_FILE = Path("/tmp/ai_nano_test_user.lock")


@dataclass(frozen=True)
class TestUser:
    """The unprivileged account the tests log in as."""

    name: str
    password: str
    uid: int
    gid: int
    home: Path


def _run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kwargs)


def ensure_test_user(name: str = TEST_USER, password: str = TEST_PASSWORD) -> TestUser:
    """Create the test user if missing (we run as root) and set its password.

    Also makes sure the user can run this interpreter: sys.executable lives under
    /root/.pyenv and /root is mode 700 here, so the user could not even reach it.
    """
    if os.geteuid() != 0:
        raise RuntimeError("the sshd fixtures need root (to start sshd and create a user)")
    # Several engineers run pytest at once on this machine: one creator at a time.
    with open(_LOCK_FILE, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            pwd.getpwnam(name)
        except KeyError:
            _run(["useradd", "-m", "-s", "/bin/sh", name])
        _run(["chpasswd"], input=f"{name}:{password}\n")
        _ensure_python_reachable(name)
    entry = pwd.getpwnam(name)
    return TestUser(name, password, entry.pw_uid, entry.pw_gid, Path(entry.pw_dir))


def _ensure_python_reachable(user: str) -> None:
    """Give the test user search (x) permission on the folders above sys.executable."""
    exe = Path(sys.executable)
    for folder in reversed(exe.parents):
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            # /root is 700 and the interpreter (with torch) is under /root/.pyenv: the test
            # user needs to pass through it, not list or read it, hence o+x only.
            log.info("chmod o+x %s so %s can run %s", folder, user, exe)
            os.chmod(folder, mode | stat.S_IXOTH)
    probe = "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)"
    result = subprocess.run(["runuser", "-u", user, "--", sys.executable, "-c", probe],
                            capture_output=True, text=True, cwd="/")
    if result.returncode != 0:
        raise RuntimeError(f"user {user} cannot import torch with {exe}: {result.stderr.strip()}")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((LOCALHOST, 0))
        return sock.getsockname()[1]


class SilentPort:
    """A port that accepts TCP connections and never says a word (a hung machine)."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind((LOCALHOST, 0))
        self._sock.listen(64)  # the kernel completes handshakes; nobody ever answers
        self.port: int = self._sock.getsockname()[1]

    def close(self) -> None:
        self._sock.close()


def make_key_pair(folder: Path, name: str = "id_ed25519") -> tuple[Path, str]:
    """A new ed25519 key pair (OpenSSH format); returns (private key path, public line)."""
    key = folder / name
    _run([SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)])
    return key, (folder / f"{name}.pub").read_text().strip()


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(part) for part in text.split()]


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


class SshServer:
    """One sshd listening on 127.0.0.1:<port>, run with its own config in ``folder``."""

    def __init__(self, folder: Path, user: TestUser, name: str = "sshd",
                 host: str = LOCALHOST, options: tuple[str, ...] = ()) -> None:
        """``host``: the address to listen on (``::1`` for IPv6). ``options``: sshd_config
        lines that win over the defaults below (sshd keeps a keyword's first value), e.g.
        ``("PasswordAuthentication no",)`` or a ``ForceCommand``."""
        self.name = name
        self.folder = folder
        self.user = user
        self.host = host
        self.options = tuple(options)
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)
        # sshd reads authorized_keys as the user: the folder must be reachable by it.
        os.chmod(folder, 0o755)
        self.host_key_file = folder / "ssh_host_ed25519_key"
        self.new_host_key()
        self.client_key_file, public_line = make_key_pair(folder, "client_ed25519")
        self.authorized_keys = folder / "authorized_keys"
        self.authorized_keys.write_text(public_line + "\n")
        os.chmod(self.authorized_keys, 0o644)
        self.log_file = folder / "sshd.log"
        self.pid_file = folder / "sshd.pid"
        self.config_file = folder / "sshd_config"
        self._write_config()

    def _write_config(self) -> None:
        replaced = {line.split()[0].lower() for line in self.options if line.strip()}
        defaults = [line for line in self._default_config() if line.split()[0].lower()
                    not in replaced]
        self.config_file.write_text("\n".join([*self.options, *defaults, ""]))

    def _default_config(self) -> list[str]:
        """The test server's sshd_config. MaxStartups and MaxSessions are left at the
        distribution's defaults (10:30:100 and 10), as on a lab's server: the app must live
        with them (a test about other limits passes its own through ``options``)."""
        return [
            f"Port {self.port}",
            f"ListenAddress {self.host}",
            f"HostKey {self.host_key_file}",
            f"PidFile {self.pid_file}",
            f"AuthorizedKeysFile {self.authorized_keys}",
            f"AllowUsers {self.user.name}",
            "PasswordAuthentication yes",
            "PubkeyAuthentication yes",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin no",
            "UsePAM no",
            "StrictModes no",
            "UseDNS no",
            "LoginGraceTime 30",
            "Subsystem sftp internal-sftp",
            "LogLevel VERBOSE",
        ]

    def new_host_key(self) -> None:
        """Replace the host key (the "machine was reinstalled" case); restart to use it."""
        for path in (self.host_key_file, self.host_key_file.with_suffix(".pub")):
            path.unlink(missing_ok=True)
        _run([SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", str(self.host_key_file)])
        self.host_key = paramiko.Ed25519Key.from_private_key_file(str(self.host_key_file))

    @property
    def known_hosts_name(self) -> str:
        """How known_hosts names this server (OpenSSH writes [host]:port for port != 22)."""
        return f"[{self.host}]:{self.port}"

    def known_hosts_line(self) -> str:
        return f"{self.known_hosts_name} {self.host_key.get_name()} {self.host_key.get_base64()}"

    def trust(self, known_hosts: Path) -> None:
        """Append this server's host key to ``known_hosts``."""
        with open(known_hosts, "a") as handle:
            handle.write(self.known_hosts_line() + "\n")

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 10.0) -> None:
        """Start sshd in the foreground (-D) and wait until it answers with a banner."""
        if self.running:
            return
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation dir
        log_handle = open(self.log_file, "ab")
        self.process = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(self.config_file)],
            stdout=log_handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log_handle.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sshd exited at start: {self.log_file.read_text()[-2000:]}")
            try:
                with socket.create_connection((self.host, self.port), timeout=1.0) as sock:
                    if sock.recv(64).startswith(b"SSH-2.0"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"sshd on port {self.port} did not start: {self.log_file}")

    def session_pids(self) -> list[int]:
        """sshd processes serving the live connections (children of the listener)."""
        if not self.running:
            return []
        found: list[int] = []
        todo = _children(self.process.pid)
        while todo:
            pid = todo.pop()
            if _comm(pid).startswith("sshd"):
                found.append(pid)
                todo.extend(_children(pid))
        return found

    def drop_connections(self) -> int:
        """Kill the sshd processes of every live connection, like a pulled cable that the
        client notices. The user's commands are not killed by this, only their link
        (a pty session gets SIGHUP from the kernel). Returns how many were killed."""
        pids = self.session_pids()
        for pid in sorted(pids, reverse=True):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return len(pids)

    def stop(self, drop_connections: bool = True) -> None:
        """Stop listening (connect -> refused); by default also drop live connections."""
        if drop_connections:
            self.drop_connections()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __repr__(self) -> str:
        return f"<SshServer {self.name} {self.host}:{self.port} running={self.running}>"


class SshdFactory:
    """Starts servers for a test session and stops them all at the end."""

    def __init__(self, base: Path, user: TestUser) -> None:
        self.base = base
        self.user = user
        self.servers: list[SshServer] = []

    def start(self, count: int = 1, prefix: str = "sshd", **settings: Any) -> list[SshServer]:
        """``count`` new, running servers that belong to the caller (``settings``: host,
        options, as SshServer takes them)."""
        started = []
        for _ in range(count):
            name = f"{prefix}{len(self.servers)}"
            server = SshServer(self.base / name, self.user, name, **settings)
            server.start()
            self.servers.append(server)
            started.append(server)
        return started

    def stop_all(self) -> None:
        for server in self.servers:
            server.stop()


def make_user_dir(user: TestUser, label: str) -> Path:
    """A fresh folder owned by the test user under its home (removed by the caller)."""
    base = user.home / "ai_nano_tests"
    base.mkdir(exist_ok=True)
    os.chown(base, user.uid, user.gid)
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in label)[:40]
    folder = Path(tempfile.mkdtemp(prefix=f"{safe}-", dir=base))
    os.chown(folder, user.uid, user.gid)
    os.chmod(folder, 0o755)
    return folder


def chown_tree(path: Path, user: TestUser) -> None:
    """Give ``path`` and everything below it to the test user."""
    for root, dirs, files in os.walk(path):
        os.chown(root, user.uid, user.gid)
        for name in dirs + files:
            os.chown(os.path.join(root, name), user.uid, user.gid, follow_symlinks=False)


def remove_user_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def user_processes(user: TestUser, pattern: str) -> list[str]:
    """``pgrep -a -u <user> -f <pattern>`` lines: the user's processes matching pattern."""
    result = subprocess.run(["pgrep", "-a", "-u", user.name, "-f", pattern],
                            capture_output=True, text=True)
    return [line for line in result.stdout.splitlines() if line.strip()]

