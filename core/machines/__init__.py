"""The lab's machines: one ``Connection`` interface, over SSH (ssh.py) or on this computer
(local.py). Callers import from here; ``base`` holds what both implementations share."""

from __future__ import annotations

from pathlib import Path

from core.config import MachineConfig
from core.machines.base import (DEFAULT_KNOWN_HOSTS, KEEPALIVE_S, STOP_GRACE_S, SYSTEM_KNOWN_HOSTS,
                                AuthenticationFailed, CommandTimeout, Connection, ConnectionLost,
                                HostKeyChanged, LineCallback, MachineError, ProgressCallback,
                                RemoteCommandFailed, Sink, UnknownHostKey, Unreachable,
                                expand_home, fingerprint, remember_host_key)
from core.machines.local import LocalConnection
from core.machines.ssh import SshConnection


def open_connection(machine: MachineConfig, *, known_hosts: Path = DEFAULT_KNOWN_HOSTS,
                    timeout: float = 5.0) -> Connection:
    """A ready Connection to ``machine``: local, or SSH connected and logged in."""
    if machine.is_local:
        return LocalConnection(machine)
    return SshConnection.connect(machine, known_hosts=known_hosts, timeout=timeout)


__all__ = [
    "AuthenticationFailed", "CommandTimeout", "Connection", "ConnectionLost",
    "DEFAULT_KNOWN_HOSTS", "HostKeyChanged", "KEEPALIVE_S", "LineCallback", "LocalConnection",
    "MachineError", "ProgressCallback", "RemoteCommandFailed", "STOP_GRACE_S",
    "SYSTEM_KNOWN_HOSTS", "Sink", "SshConnection", "Unreachable", "UnknownHostKey",
    "expand_home", "fingerprint", "open_connection", "remember_host_key",
]
