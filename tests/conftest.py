"""Shared pytest fixtures: real OpenSSH servers on 127.0.0.1 and machine configs for them.

The servers are Debian's /usr/sbin/sshd, each with its own config, ed25519 host key, free
port and pid file (tests/sshd.py). The test user ``ainano`` (created if missing; the
tests run as root) logs in by password or by key and runs this machine's Python
(``sys.executable``, torch importable).

Fixtures
--------
sshd_factory (session)   ``SshdFactory``. Two shared servers are started at once:
                         ``sshd_factory.servers[0]`` and ``[1]``. ``sshd_factory.start(n)``
                         starts n more that belong to your test (stop/restart/rekey them
                         freely; all are stopped at the end of the session).
sshd_server              the first shared server, running (restarted if a test stopped it).
                         Do not stop it or change its host key: use a fresh server for that.
sshd_pair                (dl_server, nano_server): the two shared servers.
fresh_sshd               a new server of your own, running.
known_hosts              a tmp known_hosts file that already trusts the shared servers
                         (``server.trust(path)`` adds another one).
empty_known_hosts        a tmp known_hosts path that trusts nobody (file not created).
test_user                ``TestUser`` (name, password, uid, gid, home).
remote_workdir           a fresh folder for this test, owned by the test user, removed after.
make_machine             ``make_machine(server, role="dl"|"nano", auth="password"|"key",
                         **overrides) -> MachineConfig`` with python=sys.executable and
                         workdir=<remote_workdir>/<role> (not created: the code under
                         test makes it, as on a fresh machine). auth="key" uses the server's
                         client key (``server.client_key_file``) and no password.
local_machine            ``local_machine(role="dl"|"nano", **overrides) -> MachineConfig``
                         for this computer (transport "local"), workdir under tmp_path.
silent_port              a port on 127.0.0.1 that accepts TCP and never answers.
closed_port              a port on 127.0.0.1 where nothing listens (connect -> refused).

Server helpers: ``server.stop()`` (refuses connections and drops live ones),
``server.start()``, ``server.drop_connections()`` (kills the sshd processes of the live
connections only: the user's commands survive unless they have a pty),
``server.new_host_key()`` (then ``stop()``/``start()``: the "reinstalled machine" case),
``server.host_key`` (paramiko key), ``server.known_hosts_line()``.
``tests.sshd.user_processes(user, pattern)`` lists the user's processes matching a
pattern (pgrep -u -f): use a unique token in your command line, since other test runs
share the user.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from core.config import MachineConfig
from tests.sshd import (
    SilentPort,
    SshdFactory,
    SshServer,
    TestUser,
    ensure_test_user,
    free_port,
    make_user_dir,
    remove_user_dir,
)

# Widget tests draw offscreen: set once, here, before any test module creates a QApplication.
# The Xvfb tests start their own process with QT_QPA_PLATFORM=xcb.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Qt warns when this is missing, and Qt warnings fail tests (pytest.ini: qt_log_level_fail).
if not os.environ.get("XDG_RUNTIME_DIR"):
    os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="ai_nano-xdg-")  # mode 0700

SHARED_SERVERS = 2


@pytest.fixture(scope="session")
def test_user() -> TestUser:
    return ensure_test_user()


@pytest.fixture(scope="session")
def sshd_factory(test_user: TestUser) -> Iterator[SshdFactory]:
    # Not under pytest's tmp root: that one is private (0700) and sshd reads
    # authorized_keys as the test user.
    base = Path(tempfile.mkdtemp(prefix="ai_nano_sshd_"))
    base.chmod(0o755)
    factory = SshdFactory(base, test_user)
    factory.start(SHARED_SERVERS, prefix="shared")
    yield factory
    factory.stop_all()
    shutil.rmtree(base, ignore_errors=True)


def _running(server: SshServer) -> SshServer:
    if not server.running:
        server.start()
    return server


@pytest.fixture
def sshd_server(sshd_factory: SshdFactory) -> SshServer:
    return _running(sshd_factory.servers[0])


@pytest.fixture
def sshd_pair(sshd_factory: SshdFactory) -> tuple[SshServer, SshServer]:
    return _running(sshd_factory.servers[0]), _running(sshd_factory.servers[1])


@pytest.fixture
def fresh_sshd(sshd_factory: SshdFactory) -> Iterator[SshServer]:
    (server,) = sshd_factory.start(1)
    yield server
    server.stop()


@pytest.fixture
def known_hosts(tmp_path: Path, sshd_factory: SshdFactory) -> Path:
    path = tmp_path / "known_hosts"
    path.write_text("")
    for server in sshd_factory.servers[:SHARED_SERVERS]:
        server.trust(path)
    return path


@pytest.fixture
def empty_known_hosts(tmp_path: Path) -> Path:
    return tmp_path / "app_config" / "known_hosts"


@pytest.fixture
def remote_workdir(test_user: TestUser, request: pytest.FixtureRequest) -> Iterator[Path]:
    folder = make_user_dir(test_user, request.node.name)
    yield folder
    remove_user_dir(folder)


@pytest.fixture
def make_machine(test_user: TestUser,
                 remote_workdir: Path) -> Callable[..., MachineConfig]:
    def build(server: SshServer, role: str = "dl", auth: str = "password",
              **overrides: Any) -> MachineConfig:
        if auth not in ("password", "key"):
            raise ValueError(f"auth must be 'password' or 'key', not {auth!r}")
        values: dict[str, Any] = dict(
            name=f"{role}-{server.name}", role=role, host=server.host, port=server.port,
            login=test_user.name, transport="ssh", python=sys.executable,
            workdir=str(remote_workdir / role),
            password=test_user.password if auth == "password" else "",
            key_file=str(server.client_key_file) if auth == "key" else "",
        )
        values.update(overrides)
        return MachineConfig(**values)
    return build


@pytest.fixture
def local_machine(tmp_path: Path) -> Callable[..., MachineConfig]:
    def build(role: str = "dl", **overrides: Any) -> MachineConfig:
        values: dict[str, Any] = dict(
            name=f"local-{role}", role=role, host="local", transport="local",
            python=sys.executable, workdir=str(tmp_path / f"local_{role}"))
        values.update(overrides)
        return MachineConfig(**values)
    return build


@pytest.fixture
def silent_port() -> Iterator[int]:
    port = SilentPort()
    yield port.port
    port.close()


@pytest.fixture
def closed_port() -> int:
    return free_port()
