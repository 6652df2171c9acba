"""The app's log file: what a student sends the instructor when something went wrong.

A rotating file in the user's data folder ($XDG_DATA_HOME/ai_nano, else
~/.local/share/ai_nano): at most 4 files of 1 MB, so it never fills a disk. Qt-free.
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import shutil
from pathlib import Path

log = logging.getLogger(__name__)

LOG_NAME = "ai_nano.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
_FORMAT = "%(asctime)s %(name)s %(levelname)s: %(message)s"


def log_folder() -> Path:
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "ai_nano"


def setup_log_file(folder: Path | None = None, level: int = logging.INFO) -> Path | None:
    """Add the rotating file to the root logger; the console keeps its own level.

    Returns the file's path, or None when the folder cannot be written (the app runs on,
    logging to the console only).
    """
    path = (folder or log_folder()) / LOG_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES,
                                                       backupCount=BACKUPS, encoding="utf-8")
    except OSError as error:
        log.warning("no log file in %s: %s", path.parent, error.strerror or error)
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.setLevel(level)
    root = logging.getLogger()
    for existing in root.handlers:  # the console stays at the level it was given
        if existing.level == logging.NOTSET:
            existing.setLevel(root.level)
    root.setLevel(min(root.level, level))
    root.addHandler(handler)
    log.info("log file: %s", path)
    return path


def save_log_task(source: Path, destination: Path, report: object = None) -> Path:
    """Copy the log (older rotated parts first) into one file the student can send."""
    parts = [source.with_name(f"{source.name}.{n}") for n in range(BACKUPS, 0, -1)] + [source]
    for handler in logging.getLogger().handlers:
        handler.flush()
    partial = destination.with_name(destination.name + ".part")
    with open(partial, "wb") as out:
        for part in parts:
            if part.is_file():
                with open(part, "rb") as reader:
                    shutil.copyfileobj(reader, out)
    os.replace(partial, destination)
    return destination
