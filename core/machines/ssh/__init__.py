"""The SSH backend (paramiko): the only part of the app that imports paramiko.

connection.py is the `Connection` over SSH/SFTP, login.py turns paramiko's refusals into
what happened, markers.py finds a command's own output behind whatever the login prints.
"""
from core.machines.ssh.connection import SshConnection

__all__ = ["SshConnection"]
