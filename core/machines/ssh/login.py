"""What a failed SSH login or SFTP start really means, in one line for the student.

Why a module of its own: paramiko's messages describe its internals ("encountered RSA
key, expected OPENSSH key", "Authentication failed", "Garbage packet received"), while a
lab needs the cause: the server takes no passwords, the key needs its passphrase, the
passphrase is wrong, the login prints text that breaks SFTP. Qt-free.
"""
from __future__ import annotations

import logging
import socket
from typing import Sequence

import paramiko

from core.config import MachineConfig, host_port
from core.machines.base import (AuthenticationFailed, HostKeyChanged, MachineError, Unreachable,
                                fingerprint)
from core.messages import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)


def load_key(name: str, key_file: str, passphrase: str) -> tuple[paramiko.PKey | None, str]:
    """The private key (any type, OpenSSH or old PEM format), or why it cannot be used.

    Returns (key, "") or (None, problem) when `passphrase` (config "pwd", which may be
    the login password instead) does not open it: the password is then tried alone.
    Raises AuthenticationFailed when the key cannot be used at all.
    """
    try:
        return paramiko.PKey.from_path(key_file, passphrase.encode() if passphrase else None), ""
    except TypeError:  # paramiko: "... encrypted" / "password-protected" without a password
        raise AuthenticationFailed(passphrase_needed(name, key_file)) from None
    except ValueError as error:
        if passphrase and ("password" in str(error).lower() or "decrypt" in str(error).lower()
                           or "no BEGIN/END" in str(error)):
            return None, QT_TRANSLATE_NOOP("core", "the passphrase in \"pwd\" does not open the key "
                                           "file {key_file}").format(key_file=key_file)
        raise AuthenticationFailed(unreadable_key(name, key_file, error)) from None
    except (paramiko.SSHException, OSError) as error:
        raise AuthenticationFailed(unreadable_key(name, key_file, error)) from None
    except Exception as error:  # cryptography's UnsupportedAlgorithm and kin
        raise AuthenticationFailed(QT_TRANSLATE_NOOP(
            "core", "{machine}: the key file {key_file} has a format this app cannot read "
            "({kind}): convert it with ssh-keygen -p -f {key_file}").format(
            machine=name, key_file=key_file, kind=type(error).__name__)) from None


def passphrase_needed(name: str, key_file: str) -> str:
    return QT_TRANSLATE_NOOP("core", "{machine}: the key file {key_file} is protected by a "
                             "passphrase: put it in \"pwd\" or use ssh-agent").format(
        machine=name, key_file=key_file)


def unreadable_key(name: str, key_file: str, error: BaseException) -> str:
    return QT_TRANSLATE_NOOP("core", "{machine}: cannot read the key file {key_file}: "
                             "{reason}").format(machine=name, key_file=key_file, reason=error)


def refused_message(error: paramiko.AuthenticationException, *, key_file: str,
                    key_problem: str, password: bool) -> str:
    """Why the server said no, from what was tried and what the server allows."""
    allowed: Sequence[str] = getattr(error, "allowed_types", None) or []
    no_passwords = isinstance(error, paramiko.BadAuthenticationType) and \
        "password" not in allowed and password
    if no_passwords:
        accepts = ", ".join(allowed) or QT_TRANSLATE_NOOP("core", "nothing we can offer")
        rest = (QT_TRANSLATE_NOOP("core", "the key {key_file} was refused, and the server").format(
                    key_file=key_file) if key_file and not key_problem
                else QT_TRANSLATE_NOOP("core", "{problem}, and the server").format(problem=key_problem)
                if key_problem else QT_TRANSLATE_NOOP("core", "the server"))
        return QT_TRANSLATE_NOOP("core", "{who} does not accept password logins (it accepts: "
                                 "{accepts}): ask its administrator for a key and set "
                                 "\"key_file\"").format(who=rest, accepts=accepts)
    if key_problem:
        return QT_TRANSLATE_NOOP("core", "{problem}, and the password was refused").format(
            problem=key_problem)
    if key_file and password:
        return QT_TRANSLATE_NOOP("core", "the key {key_file} and the password were refused").format(
            key_file=key_file)
    if key_file:
        return QT_TRANSLATE_NOOP("core", "the key {key_file} was refused (not in the server's "
                                 "authorized_keys?)").format(key_file=key_file)
    if password:
        return QT_TRANSLATE_NOOP("core", "wrong password")
    return QT_TRANSLATE_NOOP("core", "no password or key file in the config, and ssh-agent/~/.ssh "
                             "keys were refused")


def sftp_start_failure(host: str, error: BaseException) -> str | None:
    """The one line for an SFTP session that does not start because the login prints text.

    sshd starts the SFTP server through the user's shell; a ~/.bashrc that echoes a
    greeting sends that text where the SFTP protocol expects its first packet.
    """
    text = str(error)
    if "Garbage packet" not in text and "Expected version" not in text:
        return None
    return QT_TRANSLATE_NOOP("core", "SFTP does not start: the login on {host} prints text in "
                             "non-interactive shells (a greeting in ~/.bashrc or ~/.profile?); make "
                             "it print only in interactive shells, e.g. put `[ -t 1 ] || return` or "
                             "`case $- in *i*) ;; *) return;; esac` at the top of "
                             "~/.bashrc").format(host=host)


def connect_failure(error: BaseException, machine: MachineConfig, timeout: float,
                     key_file: str, key_problem: str) -> MachineError | None:
    """What a failed connect means, as the MachineError to raise (None: not ours)."""
    name, where = machine.name, host_port(machine.host, machine.port)
    if isinstance(error, paramiko.BadHostKeyException):
        return HostKeyChanged(QT_TRANSLATE_NOOP(
            "core", "{machine}: the host key of {address} has CHANGED ({key}, remembered "
            "{expected}): refused; if the machine was reinstalled, remove its line from the "
            "known_hosts file").format(machine=name, address=where, key=fingerprint(error.key),
                                       expected=fingerprint(error.expected_key)))
    if isinstance(error, paramiko.PasswordRequiredException):
        return AuthenticationFailed(passphrase_needed(name, key_file))
    if isinstance(error, paramiko.AuthenticationException):
        what = refused_message(error, key_file=key_file, key_problem=key_problem,
                               password=bool(machine.password))
        return AuthenticationFailed(QT_TRANSLATE_NOOP("core", "{machine}: login as {login} on "
                                                      "{address}: {reason}").format(
            machine=name, login=machine.login, address=where, reason=what))
    if isinstance(error, (socket.timeout, TimeoutError)):
        return Unreachable(QT_TRANSLATE_NOOP("core", "{machine}: {address} did not answer within "
                                             "{timeout:g} s (switched off or not on this "
                                             "network?)").format(
            machine=name, address=where, timeout=float(timeout)))
    if isinstance(error, paramiko.ssh_exception.NoValidConnectionsError):
        return Unreachable(QT_TRANSLATE_NOOP("core", "{machine}: {address} refused the connection (no "
                                             "SSH server running on port {port}?)").format(
            machine=name, address=where, port=machine.port))
    if isinstance(error, socket.gaierror):
        return Unreachable(QT_TRANSLATE_NOOP("core", "{machine}: unknown host name {host!r}").format(
            machine=name, host=machine.host))
    if isinstance(error, paramiko.SSHException):
        # paramiko's handshake wait and banner wait race: "No existing session" or
        # "Negotiation timed out" also mean no SSH server answered in time.
        if any(word in str(error) for word in ("banner", "No existing session",
                                               "Negotiation timed out")):
            return Unreachable(QT_TRANSLATE_NOOP("core", "{machine}: {address} accepted the connection "
                                                 "but did not answer as an SSH server within "
                                                 "{timeout:g} s").format(
                machine=name, address=where, timeout=float(timeout)))
        return MachineError(QT_TRANSLATE_NOOP("core", "{machine}: SSH to {address} failed: "
                                              "{reason}").format(
            machine=name, address=where, reason=error))
    if isinstance(error, OSError):
        return Unreachable(QT_TRANSLATE_NOOP("core", "{machine}: cannot reach {address}: {reason}").format(
            
            machine=name, address=where, reason=error.strerror or error))
    return None
