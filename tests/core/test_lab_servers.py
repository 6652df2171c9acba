"""Servers as labs configure them, against real OpenSSH servers (tests/sshd.py).

A login that greets (~/.bashrc echo, a quota notice on stderr), a greeting that reaches
SFTP, password logins switched off, an old PEM key with a passphrase, a wrong
passphrase, a server on IPv6 ::1. The greeting is made with a ForceCommand on a server of
the test's own, so the shared test user's files stay untouched.
"""
from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import pytest

from core import pipeline
from core.config import load_config
from core.machines import AuthenticationFailed, MachineError, UnknownHostKey, open_connection
from tests.sshd import SSH_KEYGEN

PY_PROBE = "import sys; print('probe-ok', sys.argv[1])"
SFTP_SERVER = "/usr/lib/openssh/sftp-server"
# sshd runs the forced line with the user's shell; the original command follows it, as a
# chatty ~/.bashrc would precede it. The external sftp-server goes through the shell too.
GREET_COMMANDS = ('ForceCommand case "$SSH_ORIGINAL_COMMAND" in *sftp-server*) ;; '
                  '*) echo "Welcome to the GPU server"; echo "quota: 80% used" >&2;; esac; '
                  'exec /bin/sh -c "$SSH_ORIGINAL_COMMAND"')
GREET_ALL = ('ForceCommand echo "Welcome to the GPU server"; '
             'exec /bin/sh -c "$SSH_ORIGINAL_COMMAND"')


def _server(sshd_factory, *options: str, host: str = "127.0.0.1"):
    (server,) = sshd_factory.start(1, prefix="lab", host=host, options=(
        f"Subsystem sftp {SFTP_SERVER}", *options))
    return server


def _trusted(server, tmp_path: Path) -> Path:
    known_hosts = tmp_path / f"known_hosts-{server.name}"
    server.trust(known_hosts)
    return known_hosts


def test_a_greeting_login_breaks_no_command(sshd_factory, make_machine, tmp_path) -> None:
    server = _server(sshd_factory, GREET_COMMANDS)
    try:
        machine = make_machine(server)
        with open_connection(machine, known_hosts=_trusted(server, tmp_path)) as conn:
            assert conn.output(["echo", "only this"]) == "only this\n"
            assert pipeline.missing_modules(conn, ["json", "no_such_module_x"]) == [
                "no_such_module_x"]
            lines: list[str] = []
            token = uuid.uuid4().hex[:8]
            for pty in (False, True):
                assert conn.run([machine.python, "-c", PY_PROBE, token], on_line=lines.append,
                                pty=pty) == 0
            assert lines == [f"probe-ok {token}", f"probe-ok {token}"]
            conn.write_text("greet/x.txt", "through SFTP")  # SFTP gets no greeting here
            assert conn.read_text("greet/x.txt") == "through SFTP"
    finally:
        server.stop()


def test_a_greeting_that_reaches_sftp_is_named(sshd_factory, make_machine, tmp_path) -> None:
    server = _server(sshd_factory, GREET_ALL)
    try:
        machine = make_machine(server)
        with open_connection(machine, known_hosts=_trusted(server, tmp_path)) as conn:
            assert conn.output(["echo", "fine"]) == "fine\n"  # commands are fine
            with pytest.raises(MachineError) as caught:
                conn.exists("anything")
        message = str(caught.value)
        assert message.startswith(f"{machine.name}: SFTP does not start: the login on "
                                  f"127.0.0.1 prints text in non-interactive shells"), message
        assert "~/.bashrc" in message and "Garbage" not in message and "\n" not in message
    finally:
        server.stop()


def test_password_logins_switched_off_are_named(sshd_factory, make_machine, tmp_path) -> None:
    server = _server(sshd_factory, "PasswordAuthentication no")
    try:
        machine = make_machine(server)  # the right password
        with pytest.raises(AuthenticationFailed) as caught:
            open_connection(machine, known_hosts=_trusted(server, tmp_path))
        message = str(caught.value)
        assert "does not accept password logins (it accepts: publickey)" in message, message
        assert "wrong password" not in message and machine.password not in message
        with open_connection(make_machine(server, auth="key"),
                             known_hosts=tmp_path / f"known_hosts-{server.name}") as conn:
            assert conn.output(["echo", "key ok"]) == "key ok\n"
    finally:
        server.stop()


@pytest.fixture
def pem_key(sshd_factory, tmp_path):
    """An old-format (PEM, "BEGIN RSA PRIVATE KEY") RSA key with a passphrase, authorized
    on a server of this test's own."""
    key = tmp_path / "id_rsa_pem"
    subprocess.run([SSH_KEYGEN, "-q", "-m", "PEM", "-t", "rsa", "-b", "2048",
                    "-N", "old pass phrase", "-f", str(key)], check=True)
    assert key.read_text().startswith("-----BEGIN RSA PRIVATE KEY-----")
    server = _server(sshd_factory)
    with open(server.authorized_keys, "a") as handle:
        handle.write(key.with_suffix(".pub").read_text())
    yield server, key
    server.stop()


def test_old_pem_key_with_its_passphrase_logs_in(pem_key, make_machine, tmp_path) -> None:
    server, key = pem_key
    machine = make_machine(server, auth="key", key_file=str(key), password="old pass phrase")
    with open_connection(machine, known_hosts=_trusted(server, tmp_path)) as conn:
        assert conn.output(["echo", "pem ok"]) == "pem ok\n"


def test_old_pem_key_without_its_passphrase(pem_key, make_machine, tmp_path) -> None:
    server, key = pem_key
    machine = make_machine(server, auth="key", key_file=str(key))
    with pytest.raises(AuthenticationFailed) as caught:
        open_connection(machine, known_hosts=_trusted(server, tmp_path))
    assert str(caught.value) == (f"{machine.name}: the key file {key} is protected by a "
                                 f"passphrase: put it in \"pwd\" or use ssh-agent")


def test_a_wrong_passphrase_is_named(pem_key, make_machine, tmp_path) -> None:
    server, key = pem_key
    machine = make_machine(server, auth="key", key_file=str(key), password="not it")
    with pytest.raises(AuthenticationFailed) as caught:
        open_connection(machine, known_hosts=_trusted(server, tmp_path))
    message = str(caught.value)
    assert f"the passphrase in \"pwd\" does not open the key file {key}" in message, message
    assert "expected OPENSSH key" not in message and "not it" not in message


# --------------------------------------------------------------- IPv6 and config.json text

def _config(path: Path, ip: str, port: int, login: str, password: str) -> Path:
    path.write_text(json.dumps({"DL_server": {"name": "v6", "ip": ip, "port": port,
                                              "login": login, "pwd": password}}))
    path.chmod(0o600)
    return path


@pytest.mark.parametrize("ip", ["::1", "[::1]"])
def test_ipv6_server_with_or_without_brackets(ip, sshd_factory, test_user, tmp_path) -> None:
    server = _server(sshd_factory, host="::1")
    try:
        config = load_config(_config(tmp_path / "config.json", ip, server.port,
                                     test_user.name, test_user.password))
        dl = config.dl_server
        assert dl.host == "::1" and dl.address == f"{test_user.name}@[::1]:{server.port}"
        with pytest.raises(UnknownHostKey) as caught:
            open_connection(dl, known_hosts=tmp_path / "empty_known_hosts")
        assert str(caught.value).startswith(f"[::1]:{server.port} is not known yet")
        with open_connection(dl, known_hosts=_trusted(server, tmp_path)) as conn:
            assert conn.output(["echo", "v6 ok"]) == "v6 ok\n"
    finally:
        server.stop()


def test_ipv6_on_port_22_prints_in_brackets(tmp_path) -> None:
    config = load_config(_config(tmp_path / "c.json", "[::1]", 22, "nano", ""))
    assert str(config.dl_server) == "v6 (nano@[::1]:22)"


def test_a_utf8_bom_is_accepted(tmp_path) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(
        {"DL_server": {"name": "DL", "ip": "local"}}).encode())
    assert load_config(path).dl_server.name == "DL"


@pytest.mark.parametrize("closing", ["}", "]"])
def test_a_trailing_comma_is_named_at_its_line(closing, tmp_path) -> None:
    path = tmp_path / "config.json"
    nano = '    {"name": "nano1", "ip": "local"}'
    text = ('{\n  "DL_server": {"name": "DL", "ip": "local",\n  },\n'
            f'  "jetson_nano": [\n{nano},\n  ]\n}}\n')
    if closing == "}":
        text = text.replace(f"{nano},\n", f"{nano}\n")
        line, column = 2, 44
    else:
        text = text.replace('"local",\n  },', '"local"\n  },')
        line, column = 5, len(nano) + 1
    path.write_text(text)
    with pytest.raises(Exception) as caught:
        load_config(path)
    assert str(caught.value) == (f"config.json: line {line}, column {column}: a comma after "
                                 f"the last item (before '{closing}'): remove it, JSON does "
                                 "not allow it")


# --------------------------------------------------------------- the markers, byte by byte

def _fed(chunks_out: list[bytes], chunks_err: list[bytes], err_marker: bool):
    from core.machines.ssh.markers import PidMarker
    out: list[bytes] = []
    err: list[bytes] = []
    marker = PidMarker(out.append, err.append, err_marker=err_marker)
    for data in chunks_err:
        marker.feed_err(data)
    for data in chunks_out:
        marker.feed(data)
    marker.flush()
    return b"".join(out), b"".join(err), marker.pid


def test_markers_drop_the_greeting_even_without_a_newline() -> None:
    out, err, pid = _fed([b"Welcome!\nno newline here", b"@ai_nano_pid 42\nre", b"sult\n"],
                         [b"quota 80%", b"@ai_nano_stderr\nreal error\n"], err_marker=True)
    assert (out, err, pid) == (b"result\n", b"real error\n", 42)


def test_without_a_marker_nothing_is_hidden() -> None:
    """The login shell failed before our line ran: what it said is all there is."""
    out, err, pid = _fed([b"This account is currently not available.\n"],
                         [b"shell: not found\n"], err_marker=False)
    assert (out, err, pid) == (b"This account is currently not available.\n",
                               b"shell: not found\n", None)
