"""The one version of ai_nano: shown by --version, --check and the window, and written
with the scripts the app deploys, so a laptop and a server that disagree can be seen.

Qt-free and light on purpose (it imports only core.messages, plain Python): install.py and
the scripts' manifest read it cheaply.
"""
from __future__ import annotations

from core.messages import QT_TRANSLATE_NOOP

__version__ = "2.0.0"

#: The file beside the deployed dl_scripts/nano_scripts: SHA-256 of each script, plus
#: the version of the app that put them there under VERSION_KEY.
SCRIPTS_MANIFEST = ".ai_nano_scripts.json"
VERSION_KEY = "ai_nano_version"


def scripts_version_note(deployed: str) -> str:
    """'' when the scripts there come from this app's version, else one line saying so."""
    if deployed == __version__:
        return ""
    if not deployed:
        return QT_TRANSLATE_NOOP("core", "scripts there come from an ai_nano older than {version}: "
                                 "the next step that uses them replaces them").format(
            version=__version__)
    return QT_TRANSLATE_NOOP("core", "scripts there come from ai_nano {deployed}, this app is "
                             "{version}: the next step that uses them replaces them").format(
        deployed=deployed, version=__version__)
