"""Issue 13, part 1: a server that drops connections before its SSH banner (sshd past
MaxStartups) is retried with backoff, then named as refusing new connections; no
paramiko traceback on stderr. A real sshd behind a loopback proxy that drops the first N
connections, as sshd itself does when crowded."""
from __future__ import annotations

import socket
import threading
import time

import pytest

from core.machines import Unreachable, open_connection
from core.machines.ssh import crowded


class DroppingProxy:
    """Accepts on 127.0.0.1; closes the first `drop` connections at once, forwards the rest."""

    def __init__(self, target_port: int, drop: int) -> None:
        self.target_port, self.drop = target_port, drop
        self.accepted = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            if self.accepted <= self.drop:
                conn.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            for a, b in ((conn, upstream), (upstream, conn)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.sock.close()


def test_dropped_connections_are_retried_until_the_server_lets_us_in(
        sshd_server, make_machine, known_hosts, capfd):
    proxy = DroppingProxy(sshd_server.port, drop=3)
    with open(known_hosts, "a") as handle:   # the proxy's port shows the server's key
        handle.write(f"[127.0.0.1]:{proxy.port} {sshd_server.host_key.get_name()} "
                     f"{sshd_server.host_key.get_base64()}\n")
    before = crowded.retries()
    machine = make_machine(sshd_server, port=proxy.port)
    with open_connection(machine, known_hosts=known_hosts) as conn:
        assert conn.output(["echo", "in"]).strip() == "in"
    proxy.close()
    assert proxy.accepted == 4
    assert crowded.retries() - before == 3
    assert "Traceback" not in capfd.readouterr().err


def test_a_server_that_keeps_dropping_is_named_crowded_not_silent(
        sshd_server, make_machine, known_hosts, capfd, monkeypatch):
    monkeypatch.setattr(crowded, "CROWDED_RETRY_S", 3.0)
    proxy = DroppingProxy(sshd_server.port, drop=10**6)
    machine = make_machine(sshd_server, port=proxy.port, name="DL server")
    started = time.monotonic()
    with pytest.raises(Unreachable) as caught:
        open_connection(machine, known_hosts=known_hosts)
    elapsed = time.monotonic() - started
    proxy.close()
    assert str(caught.value) == (
        f"DL server: 127.0.0.1:{proxy.port} refused new connections: too many at once "
        f"(tried for 3 s); its administrator can raise MaxStartups in sshd_config")
    assert proxy.accepted >= 3 and 1.0 < elapsed < 6.0
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Error reading SSH protocol banner" not in err


def test_a_silent_host_is_not_retried(sshd_server, make_machine, known_hosts, silent_port):
    before = crowded.retries()
    machine = make_machine(sshd_server, port=silent_port)
    with pytest.raises(Unreachable, match="did not answer as an SSH server within 1 s"):
        open_connection(machine, known_hosts=known_hosts, timeout=1.0)
    assert crowded.retries() == before
