"""machines.py against real OpenSSH servers on 127.0.0.1, and the same checks locally.

Tests taking the ``conn`` fixture run twice: over SSH (the test user on a real sshd) and
with LocalConnection, because the pipeline relies on both behaving the same.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.machines import (
    AuthenticationFailed,
    CommandTimeout,
    Connection,
    ConnectionLost,
    HostKeyChanged,
    LocalConnection,
    MachineError,
    RemoteCommandFailed,
    SshConnection,
    Unreachable,
    UnknownHostKey,
    fingerprint,
    open_connection,
    remember_host_key,
)
from tests.sshd import SshServer, make_key_pair, user_processes

PY = sys.executable


@pytest.fixture(params=["ssh", "local"])
def conn(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Connection]:
    """A connection to the shared sshd as the test user, or to this computer."""
    if request.param == "ssh":
        server = request.getfixturevalue("sshd_server")
        machine = request.getfixturevalue("make_machine")(server)
        connection = open_connection(machine, known_hosts=request.getfixturevalue("known_hosts"))
    else:
        connection = open_connection(request.getfixturevalue("local_machine")())
    connection.makedirs(connection.workdir())
    yield connection
    connection.close()


def _processes(conn: Connection, token: str) -> list[str]:
    """Processes whose command line holds ``token`` (the test user's, for SSH)."""
    if isinstance(conn, SshConnection):
        from tests.sshd import ensure_test_user
        return user_processes(ensure_test_user(), token)
    result = subprocess.run(["pgrep", "-a", "-f", token], capture_output=True, text=True)
    return [line for line in result.stdout.splitlines() if "pgrep" not in line]


def _wait_gone(conn: Connection, token: str, seconds: float = 5.0) -> list[str]:
    deadline = time.monotonic() + seconds
    while (left := _processes(conn, token)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def _sshd_auth_lines(server: SshServer) -> list[str]:
    words = ("Accepted", "Failed", "Invalid user", "authentication")
    return [line for line in server.log_file.read_text(errors="replace").splitlines()
            if any(word in line for word in words)]


# --- logging in -------------------------------------------------------------------------

def test_password_login(sshd_server, make_machine, known_hosts, test_user):
    with open_connection(make_machine(sshd_server), known_hosts=known_hosts) as connection:
        assert isinstance(connection, SshConnection)
        assert connection.output(["id", "-un"]).strip() == test_user.name
        assert connection.home() == str(test_user.home)


def test_key_login(sshd_server, make_machine, known_hosts, test_user):
    machine = make_machine(sshd_server, auth="key")
    assert machine.password == ""
    with open_connection(machine, known_hosts=known_hosts) as connection:
        assert connection.output(["id", "-un"]).strip() == test_user.name


def test_wrong_password_says_so_and_hides_it(sshd_server, make_machine, known_hosts):
    secret = "Wrong-Secret-4321"
    machine = make_machine(sshd_server, password=secret)
    with pytest.raises(AuthenticationFailed) as caught:
        open_connection(machine, known_hosts=known_hosts)
    message = str(caught.value)
    assert "wrong password" in message and machine.name in message
    assert secret not in message and secret not in repr(machine) and secret not in str(machine)


def test_wrong_key_says_which_key(sshd_server, make_machine, known_hosts, tmp_path):
    other_key, _ = make_key_pair(tmp_path, "not_authorized")
    machine = make_machine(sshd_server, auth="key", key_file=str(other_key))
    with pytest.raises(AuthenticationFailed, match="key .*not_authorized was refused"):
        open_connection(machine, known_hosts=known_hosts)


def test_missing_key_file(sshd_server, make_machine, known_hosts, tmp_path):
    machine = make_machine(sshd_server, auth="key", key_file=str(tmp_path / "nope"))
    with pytest.raises(AuthenticationFailed, match="key file not found"):
        open_connection(machine, known_hosts=known_hosts)


# --- host keys --------------------------------------------------------------------------

def test_unknown_host_key_sends_nothing_then_is_remembered(sshd_server, make_machine,
                                                           empty_known_hosts):
    machine = make_machine(sshd_server)
    auth_before = _sshd_auth_lines(sshd_server)
    with pytest.raises(UnknownHostKey) as caught:
        open_connection(machine, known_hosts=empty_known_hosts)
    error = caught.value
    # Same fingerprint as OpenSSH's own tool prints for the server's public key.
    keygen = subprocess.run(["ssh-keygen", "-lf", f"{sshd_server.host_key_file}.pub"],
                            capture_output=True, text=True, check=True).stdout.split()
    assert error.fingerprint == keygen[1] and error.fingerprint.startswith("SHA256:")
    assert (error.host, error.port, error.key_type) == ("127.0.0.1", sshd_server.port,
                                                        "ssh-ed25519")
    assert error.fingerprint in str(error)
    time.sleep(0.3)  # let sshd write its log
    assert _sshd_auth_lines(sshd_server) == auth_before, "authentication was attempted"
    assert not empty_known_hosts.exists()

    remember_host_key(empty_known_hosts, error)
    assert empty_known_hosts.stat().st_mode & 0o777 == 0o600
    assert empty_known_hosts.read_text() == sshd_server.known_hosts_line() + "\n"
    found = subprocess.run(["ssh-keygen", "-F", f"[127.0.0.1]:{sshd_server.port}",
                            "-f", str(empty_known_hosts)], capture_output=True, text=True)
    assert found.returncode == 0, "OpenSSH cannot read the line we wrote"
    with open_connection(machine, known_hosts=empty_known_hosts) as connection:
        assert connection.output(["echo", "ok"]) == "ok\n"


def test_changed_host_key_is_refused(fresh_sshd, make_machine, tmp_path):
    known_hosts = tmp_path / "known_hosts"
    fresh_sshd.trust(known_hosts)
    machine = make_machine(fresh_sshd)
    open_connection(machine, known_hosts=known_hosts).close()
    old_print = fingerprint(fresh_sshd.host_key)
    fresh_sshd.stop()
    fresh_sshd.new_host_key()
    fresh_sshd.start()
    auth_before = _sshd_auth_lines(fresh_sshd)
    with pytest.raises(HostKeyChanged) as caught:
        open_connection(machine, known_hosts=known_hosts)
    assert "CHANGED" in str(caught.value) and old_print in str(caught.value)
    time.sleep(0.3)
    assert _sshd_auth_lines(fresh_sshd) == auth_before, "authentication was attempted"


# --- machines down ----------------------------------------------------------------------

def test_closed_port_is_refused_quickly(make_machine, sshd_server, known_hosts, closed_port):
    machine = make_machine(sshd_server, port=closed_port)
    started = time.monotonic()
    with pytest.raises(Unreachable, match="refused the connection"):
        open_connection(machine, known_hosts=known_hosts, timeout=3)
    assert time.monotonic() - started < 3


def test_stopped_server_is_unreachable(fresh_sshd, make_machine, tmp_path):
    known_hosts = tmp_path / "known_hosts"
    fresh_sshd.trust(known_hosts)
    fresh_sshd.stop()
    with pytest.raises(Unreachable, match=f"127.0.0.1:{fresh_sshd.port} refused"):
        open_connection(make_machine(fresh_sshd), known_hosts=known_hosts, timeout=3)


def test_silent_server_fails_within_timeout(make_machine, sshd_server, known_hosts,
                                            silent_port):
    machine = make_machine(sshd_server, port=silent_port)
    started = time.monotonic()
    with pytest.raises(Unreachable, match="did not answer as an SSH server within 2 s"):
        open_connection(machine, known_hosts=known_hosts, timeout=2)
    assert 1.5 < time.monotonic() - started < 4


def test_unroutable_address_times_out(make_machine, sshd_server, known_hosts):
    # 127.0.0.1 only (house rule): an unknown name fails at once with a clear message.
    machine = make_machine(sshd_server, host="no-such-host.invalid")
    with pytest.raises(Unreachable, match="unknown host name"):
        open_connection(machine, known_hosts=known_hosts, timeout=2)


# --- running commands (SSH and local) ---------------------------------------------------

def test_run_streams_lines_and_exit_status(conn):
    script = ("import sys, time\n"
              "print('first'); time.sleep(1.0)\n"
              "print('to stderr', file=sys.stderr); print('Été ✓'); sys.exit(3)")
    seen: list[tuple[float, str]] = []
    code = conn.run([PY, "-c", script], on_line=lambda line: seen.append((time.monotonic(), line)))
    ended = time.monotonic()
    assert code == 3
    assert [line for _, line in seen] == ["first", "to stderr", "Été ✓"]
    assert ended - seen[0][0] > 0.7, "the first line arrived only at the end"


def test_output_separates_stdout_and_reports_failure(conn):
    assert conn.output([PY, "-c", "import sys; print('out'); print('err', file=sys.stderr)"]) \
        == "out\n"
    with pytest.raises(RemoteCommandFailed) as caught:
        conn.output([PY, "-c", "import sys; sys.exit('bad input here')"])
    assert caught.value.returncode == 1 and "bad input here" in str(caught.value)


def test_missing_program_and_folder(conn):
    lines: list[str] = []
    assert conn.run(["no-such-program-xyz"], on_line=lines.append) == 127
    assert any("no-such-program-xyz" in line for line in lines)
    with pytest.raises(MachineError, match="folder not found"):
        conn.run(["true"], cwd=conn.workdir() + "/missing")


def test_cwd_and_program_expand_tilde(conn):
    assert conn.output([PY, "-c", "import os; print(os.getcwd())"], cwd="~").strip() \
        == conn.home()
    assert conn.workdir().startswith("/")


HOSTILE = ["two words", "it's", 'say "hi"', "a;touch PWNED1", "$(touch PWNED2)",
           "`touch PWNED3`", "../../etc/passwd", "line1\nline2", "Ünïcødé ñ 日本",
           "$HOME", "*", "-n", "\\", "", "a|b&c>d<e", "'; rm -rf ~ #"]


def test_hostile_arguments_arrive_unchanged(conn):
    workdir = conn.workdir()
    folder = workdir + "/odd dir; $(x) 'q' ü"
    conn.makedirs(folder)
    echoed = conn.output([PY, "-c", "import json, os, sys; "
                          "print(json.dumps([os.getcwd()] + sys.argv[1:]))"] + HOSTILE,
                         cwd=folder)
    assert json.loads(echoed) == [folder] + HOSTILE
    lines: list[str] = []
    assert conn.run(["echo"] + HOSTILE[:5], on_line=lines.append, cwd=folder) == 0
    assert lines == [" ".join(HOSTILE[:5])]
    for place in (workdir, folder, conn.home()):
        assert not any(name.startswith("PWNED") for name in conn.listdir(place))


@pytest.mark.parametrize("pty", [False, True], ids=["pipe", "pty"])
def test_stop_ends_the_process_group(conn, pty):
    token = f"aistop{uuid.uuid4().hex[:10]}"
    script = ("import subprocess, sys, time\n"
              "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)', "
              f"'{token}'])\n"
              "print('started', flush=True); time.sleep(300)")
    stop = threading.Event()
    lines: list[str] = []

    def on_line(line: str) -> None:
        lines.append(line)
        stop.set()
    started = time.monotonic()
    code = conn.run([PY, "-c", script, token], on_line=on_line, stop=stop, pty=pty)
    assert lines == ["started"]
    assert code == -15 and time.monotonic() - started < 10
    assert _wait_gone(conn, token) == []


def test_stop_escalates_to_sigkill(conn):
    token = f"aikill{uuid.uuid4().hex[:10]}"
    script = ("import signal, time\n"
              "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
              "print('stubborn', flush=True); time.sleep(300)")
    stop = threading.Event()
    started = time.monotonic()
    code = conn.run([PY, "-c", script, token], on_line=lambda line: stop.set(), stop=stop)
    elapsed = time.monotonic() - started
    assert code == -9 and 2.9 < elapsed < 8
    assert _wait_gone(conn, token) == []


def test_timeout_stops_the_command(conn):
    token = f"aitime{uuid.uuid4().hex[:10]}"
    with pytest.raises(CommandTimeout, match="longer than 1 s"):
        conn.run([PY, "-c", "import time; time.sleep(300)", token], timeout=1)
    assert _wait_gone(conn, token) == []


def test_pty_run_streams(conn):
    lines: list[str] = []
    code = conn.run([PY, "-c", "import os; print('tty', os.isatty(1)); print('b')"],
                    on_line=lines.append, pty=True)
    assert code == 0 and lines == ["tty True", "b"]


# --- files (SSH and local) --------------------------------------------------------------

def test_put_and_get_with_progress(conn, tmp_path):
    source = tmp_path / "model.onnx"
    source.write_bytes(os.urandom(3_000_000))
    remote = conn.workdir() + "/models/m1/model.onnx"
    progress: list[tuple[int, int]] = []
    conn.put_file(source, remote, on_progress=lambda done, total: progress.append((done, total)))
    assert progress[-1] == (3_000_000, 3_000_000)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    assert conn.listdir(conn.workdir() + "/models/m1") == ["model.onnx"]
    back = tmp_path / "back" / "model.onnx"
    got: list[tuple[int, int]] = []
    conn.get_file(remote, back, on_progress=lambda done, total: got.append((done, total)))
    assert back.read_bytes() == source.read_bytes() and got[-1] == (3_000_000, 3_000_000)
    assert sorted(os.listdir(back.parent)) == ["model.onnx"]


def test_interrupted_transfer_never_replaces_the_file(conn, tmp_path):
    remote = conn.workdir() + "/labels.txt"
    conn.write_text(remote, "old\n")
    source = tmp_path / "labels.txt"
    source.write_bytes(b"x" * 2_000_000)

    def interrupt(done: int, total: int) -> None:
        if done < total:
            raise KeyboardInterrupt  # the user quits mid-transfer
    with pytest.raises(KeyboardInterrupt):
        conn.put_file(source, remote, on_progress=interrupt)
    assert conn.read_text(remote) == "old\n"
    local = tmp_path / "local.txt"
    local.write_text("kept\n")
    conn.write_text(remote, "y" * 2_000_000)
    with pytest.raises(KeyboardInterrupt):
        conn.get_file(remote, local, on_progress=interrupt)
    assert local.read_text() == "kept\n"
    assert not (tmp_path / "local.txt.part").exists()
    with pytest.raises(MachineError, match="no such file|not found"):
        conn.get_file(conn.workdir() + "/missing.onnx", tmp_path / "missing.onnx")
    assert not (tmp_path / "missing.onnx").exists()


def test_file_helpers(conn):
    base = conn.workdir() + "/tree"
    assert not conn.exists(base) and conn.listdir(base) == []
    conn.makedirs(base + "/a/b")
    conn.makedirs(base + "/a/b")  # again: no error
    conn.write_text(base + "/a/b/notes.txt", "Été\n")
    assert conn.read_text(base + "/a/b/notes.txt") == "Été\n"
    assert conn.listdir(base + "/a/b") == ["notes.txt"]
    assert conn.disk_free(base) > 1_000_000
    assert conn.disk_free(base + "/not/yet") > 1_000_000
    conn.remove(base)
    conn.remove(base)  # missing: no error
    assert not conn.exists(base)
    with pytest.raises(MachineError, match="read"):
        conn.read_text(base + "/gone.txt")


# --- lost connections (SSH only) --------------------------------------------------------

def _ssh_conn(server, make_machine, known_hosts) -> SshConnection:
    connection = open_connection(make_machine(server), known_hosts=known_hosts)
    assert isinstance(connection, SshConnection)
    return connection


def test_pty_command_gets_sighup_when_the_link_drops(fresh_sshd, make_machine, tmp_path):
    known_hosts = tmp_path / "known_hosts"
    fresh_sshd.trust(known_hosts)
    connection = _ssh_conn(fresh_sshd, make_machine, known_hosts)
    connection.makedirs(connection.workdir())
    flag = connection.workdir() + "/got_hup"
    token = f"aihup{uuid.uuid4().hex[:10]}"
    script = ("import signal, sys, time\n"
              "def hup(*_):\n"
              f"    open({flag!r}, 'w').write('HUP'); sys.exit(1)\n"
              "signal.signal(signal.SIGHUP, hup)\n"
              "print('running', flush=True); time.sleep(300)")
    with pytest.raises(ConnectionLost, match="connection was lost"):
        connection.run([PY, "-c", script, token], pty=True,
                       on_line=lambda line: fresh_sshd.drop_connections())
    assert _wait_gone(connection, token) == []
    assert Path(flag).read_text() == "HUP"  # same computer: read the flag directly


def test_link_lost_during_upload(fresh_sshd, make_machine, tmp_path):
    known_hosts = tmp_path / "known_hosts"
    fresh_sshd.trust(known_hosts)
    connection = _ssh_conn(fresh_sshd, make_machine, known_hosts)
    connection.makedirs(connection.workdir())
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(4_000_000))
    remote = connection.workdir() + "/big.bin"
    dropped: list[int] = []

    def drop(done: int, total: int) -> None:
        if not dropped and done > 500_000:
            dropped.append(fresh_sshd.drop_connections())
    with pytest.raises(ConnectionLost, match="lost during uploading big.bin"):
        connection.put_file(source, remote, on_progress=drop)
    assert dropped and not Path(remote).exists()  # only the .part may be there
    with pytest.raises(ConnectionLost):
        connection.run(["true"])
    with _ssh_conn(fresh_sshd, make_machine, known_hosts) as again:  # a retry works
        again.put_file(source, remote)
        assert Path(remote).read_bytes() == source.read_bytes()


def test_passwords_never_logged(sshd_server, make_machine, known_hosts, caplog):
    caplog.set_level(logging.DEBUG)
    machine = make_machine(sshd_server)
    with open_connection(machine, known_hosts=known_hosts) as connection:
        connection.run(["echo", "hello"], on_line=lambda line: None)
        connection.put_file(__file__, connection.workdir() + "/x.py")
    wrong = make_machine(sshd_server, password="Other Secret 99")
    with pytest.raises(AuthenticationFailed) as caught:
        open_connection(wrong, known_hosts=known_hosts)
    assert "paramiko" in caplog.text or "connected" in caplog.text  # logging was captured
    for secret in (machine.password, wrong.password):
        assert secret not in caplog.text and secret not in str(caught.value)


def test_local_connection_is_chosen_for_local_machines(local_machine):
    connection = open_connection(local_machine())
    assert isinstance(connection, LocalConnection)
    assert connection.home() == os.path.expanduser("~")


def test_ssh_agent_login(sshd_server, make_machine, known_hosts, tmp_path, monkeypatch,
                         test_user):
    """No password and no key file in the config: the user's ssh-agent is used."""
    socket_path = tmp_path / "agent.sock"
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", str(socket_path)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 5
        while not socket_path.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        monkeypatch.setenv("SSH_AUTH_SOCK", str(socket_path))
        subprocess.run(["ssh-add", "-q", str(sshd_server.client_key_file)], check=True,
                       capture_output=True)
        monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.ssh/id_* keys to fall back on
        machine = make_machine(sshd_server, auth="key", key_file="")
        assert machine.password == "" and machine.key_file == ""
        with open_connection(machine, known_hosts=known_hosts) as connection:
            assert connection.output(["id", "-un"]).strip() == test_user.name
    finally:
        agent.terminate()
        agent.wait()


def test_link_lost_during_download(fresh_sshd, make_machine, tmp_path):
    known_hosts = tmp_path / "known_hosts"
    fresh_sshd.trust(known_hosts)
    connection = _ssh_conn(fresh_sshd, make_machine, known_hosts)
    connection.makedirs(connection.workdir())
    remote = connection.workdir() + "/model.onnx"
    connection.write_text(remote, "z" * 4_000_000)
    local = tmp_path / "out" / "model.onnx"
    dropped: list[int] = []

    def drop(done: int, total: int) -> None:
        if not dropped and done > 300_000:
            dropped.append(fresh_sshd.drop_connections())
    with pytest.raises(ConnectionLost, match="lost during downloading"):
        connection.get_file(remote, local, on_progress=drop)
    assert dropped and not local.exists() and os.listdir(local.parent) == []


def test_login_shell_chatter_is_dropped(fresh_sshd, make_machine, tmp_path, test_user):
    """A start-up file that prints (a lab's ~/.bashrc) must not hide the pid marker."""
    known_hosts = tmp_path / "known_hosts"
    fresh_sshd.trust(known_hosts)
    token = f"aichat{uuid.uuid4().hex[:10]}"
    # ForceCommand runs a line of the server's choosing first, like a chatty ~/.bashrc;
    # our command follows through SSH_ORIGINAL_COMMAND (no SFTP in this test).
    with open(fresh_sshd.config_file, "a") as handle:
        handle.write('ForceCommand echo welcome to the lab; eval "$SSH_ORIGINAL_COMMAND"\n')
    fresh_sshd.stop()
    fresh_sshd.start()
    connection = _ssh_conn(fresh_sshd, make_machine, known_hosts)
    lines: list[str] = []
    stop = threading.Event()

    def on_line(line: str) -> None:
        lines.append(line)
        if line == "go":
            stop.set()
    code = connection.run([PY, "-c", "import time; print('go', flush=True); time.sleep(300)",
                           token], on_line=on_line, stop=stop)
    assert code == -15 and lines == ["go"]  # the greeting is not the command's output
    assert _wait_gone(connection, token) == []


@pytest.fixture
def full_disk(conn, tmp_path, request) -> Iterator[str]:
    """A 1 MB tmpfs folder on the machine (the "DL server's disk is full" case)."""
    if isinstance(conn, SshConnection):
        user = request.getfixturevalue("test_user")
        folder, options = Path(conn.workdir()) / "small", f"size=1m,uid={user.uid},gid={user.gid}"
    else:
        folder, options = tmp_path / "small", "size=1m"
    folder.mkdir(parents=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr.strip()}")
    yield str(folder)
    subprocess.run(["umount", str(folder)], check=True)


def test_full_disk_is_named_and_leaves_no_part(conn, full_disk, tmp_path):
    conn.write_text(full_disk + "/labels.txt", "old\n")
    source = tmp_path / "archive.tar"
    source.write_bytes(os.urandom(3_000_000))
    with pytest.raises(MachineError, match="(?i)no space left"):
        conn.put_file(source, full_disk + "/archive.tar")
    with pytest.raises(MachineError, match="(?i)no space left"):
        conn.write_text(full_disk + "/labels.txt", "x" * 3_000_000)
    assert conn.listdir(full_disk) == ["labels.txt"]
    assert conn.read_text(full_disk + "/labels.txt") == "old\n"


def test_users_own_known_hosts_is_trusted_and_never_written(sshd_server, make_machine, tmp_path,
                                                            monkeypatch, empty_known_hosts):
    from core.machines import base
    system = tmp_path / "dot_ssh" / "known_hosts"
    system.parent.mkdir()
    sshd_server.trust(system)
    before = system.read_bytes()
    monkeypatch.setattr(base, "SYSTEM_KNOWN_HOSTS", system)
    with open_connection(make_machine(sshd_server), known_hosts=empty_known_hosts) as connection:
        assert connection.output(["echo", "ok"]) == "ok\n"
    assert system.read_bytes() == before and not empty_known_hosts.exists()


def test_remember_host_key_formats_like_openssh(sshd_server, tmp_path):
    known_hosts = tmp_path / "new" / "known_hosts"
    key = sshd_server.host_key
    remember_host_key(known_hosts, UnknownHostKey("nano1.lab", 22, key))
    remember_host_key(known_hosts, UnknownHostKey("10.0.0.7", 2222, key))
    assert known_hosts.read_text().splitlines() == [
        f"nano1.lab ssh-ed25519 {key.get_base64()}",
        f"[10.0.0.7]:2222 ssh-ed25519 {key.get_base64()}"]
    assert known_hosts.parent.stat().st_mode & 0o777 == 0o700


def test_relative_paths_start_from_home(conn):
    name = f"rel-{uuid.uuid4().hex[:8]}.txt"
    try:
        conn.write_text(name, "here\n")
        assert conn.read_text("~/" + name) == "here\n" and conn.exists(conn.home() + "/" + name)
        assert conn.output(["cat", name], cwd="~") == "here\n"
    finally:
        conn.remove(name)
    assert not conn.exists("~/" + name)


def test_last_words_before_exit_are_kept(conn):
    """Output written just before the process exits is never dropped (25 quick runs)."""
    for _ in range(25):
        lines: list[str] = []
        assert conn.run(["sh", "-c", "echo one; echo two >&2; echo three"],
                        on_line=lines.append) == 0
        assert lines == ["one", "two", "three"]
