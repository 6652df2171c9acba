"""What a failed SSH login or SFTP start really means, in one line for the student.

Why a module of its own: paramiko's messages describe its internals ("encountered RSA
key, expected OPENSSH key", "Authentication failed", "Garbage packet received"), while a
lab needs the cause: the server takes no passwords, the key needs its passphrase, the
passphrase is wrong, the login prints text that breaks SFTP. Qt-free.
"""
from __future__ import annotations

import logging
from typing import Sequence

import paramiko

from core.machines.base import AuthenticationFailed

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
        raise AuthenticationFailed(f"{name}: the key file {key_file} is protected by a "
                                   f"passphrase: put it in \"pwd\" or use ssh-agent") from None
    except ValueError as error:
        if passphrase and ("password" in str(error).lower() or "decrypt" in str(error).lower()
                           or "no BEGIN/END" in str(error)):
            return None, f"the passphrase in \"pwd\" does not open the key file {key_file}"
        raise AuthenticationFailed(f"{name}: cannot read the key file {key_file}: "
                                   f"{error}") from None
    except (paramiko.SSHException, OSError) as error:
        raise AuthenticationFailed(f"{name}: cannot read the key file {key_file}: "
                                   f"{error}") from None
    except Exception as error:  # cryptography's UnsupportedAlgorithm and kin
        raise AuthenticationFailed(f"{name}: the key file {key_file} has a format this app "
                                   f"cannot read ({type(error).__name__}): convert it with "
                                   f"ssh-keygen -p -f {key_file}") from None


def refused_message(error: paramiko.AuthenticationException, *, key_file: str,
                    key_problem: str, password: bool) -> str:
    """Why the server said no, from what was tried and what the server allows."""
    allowed: Sequence[str] = getattr(error, "allowed_types", None) or []
    no_passwords = isinstance(error, paramiko.BadAuthenticationType) and \
        "password" not in allowed and password
    if no_passwords:
        accepts = ", ".join(allowed) or "nothing we can offer"
        rest = (f"the key {key_file} was refused, and the server" if key_file and not key_problem
                else f"{key_problem}, and the server" if key_problem else "the server")
        return (f"{rest} does not accept password logins (it accepts: {accepts}): "
                f"ask its administrator for a key and set \"key_file\"")
    if key_problem:
        return f"{key_problem}, and the password was refused"
    if key_file and password:
        return f"the key {key_file} and the password were refused"
    if key_file:
        return f"the key {key_file} was refused (not in the server's authorized_keys?)"
    if password:
        return "wrong password"
    return "no password or key file in the config, and ssh-agent/~/.ssh keys were refused"


def sftp_start_failure(host: str, error: BaseException) -> str | None:
    """The one line for an SFTP session that does not start because the login prints text.

    sshd starts the SFTP server through the user's shell; a ~/.bashrc that echoes a
    greeting sends that text where the SFTP protocol expects its first packet.
    """
    text = str(error)
    if "Garbage packet" not in text and "Expected version" not in text:
        return None
    return (f"SFTP does not start: the login on {host} prints text in non-interactive "
            f"shells (a greeting in ~/.bashrc or ~/.profile?); make it print only in "
            f"interactive shells, e.g. put `[ -t 1 ] || return` or `case $- in *i*) ;; "
            f"*) return;; esac` at the top of ~/.bashrc")
