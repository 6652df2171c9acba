"""What the window remembers and how it explains itself (Qt side of issue 14).

- High-DPI scaling, set before the QApplication exists.
- QSettings: the last working space, the window's geometry and splitter, the chosen Nano;
  restored at start, saved when the window closes (only for a window `remember()` was
  called on, so test windows never touch the user's settings).
- Help menu: "Save log…" (a copy of the rotating log file, core/applog.py) and About.
- An unhandled exception: the traceback goes to the log, the student gets one line in
  the window saying where the log is, and the app keeps working.
"""
from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

from PyQt5.QtCore import QCoreApplication, QEvent, QObject, QSettings, Qt
from PyQt5.QtGui import QIcon
from PyQt5.QtWidgets import QApplication, QFileDialog, QMenuBar, QMessageBox, QWidget

from core.applog import save_log_task
from core.version import __version__

log = logging.getLogger(__name__)


def enable_high_dpi() -> None:
    """Scale the window on 4K/HiDPI screens (Qt 5 leaves it off); before QApplication."""
    QCoreApplication.setAttribute(Qt.AA_EnableHighDpiScaling, True)
    QCoreApplication.setAttribute(Qt.AA_UseHighDpiPixmaps, True)


def setup_application(app: QApplication) -> None:
    """Name, icon and menu entry (launcher/ai_nano.desktop) of the running app."""
    app.setApplicationName("ai_nano")
    app.setDesktopFileName("ai_nano")
    app.setWindowIcon(QIcon(str(Path(__file__).resolve().parent / "launcher" / "ai_nano.png")))


def settings() -> QSettings:
    """~/.config/ai_nano/ai_nano.ini (tests move it with QSettings.setPath)."""
    return QSettings(QSettings.IniFormat, QSettings.UserScope, "ai_nano", "ai_nano")


def save_state(window: Any) -> None:
    store = settings()
    store.setValue("window/geometry", window.saveGeometry())
    store.setValue("window/splitter", window.sp_right.saveState())
    folder = window.workspace.root if window.workspace is not None else \
        window.le_working_space.text()
    store.setValue("workspace", str(folder) if folder else "")
    store.setValue("nano", window.cb_nano_name.currentText())
    store.sync()


def restore_state(window: Any, open_workspace: bool = True) -> None:
    """Geometry, splitter and Nano at once; the working space through the window's own
    worker (a folder deleted since is not recreated)."""
    store = settings()
    geometry = store.value("window/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    splitter = store.value("window/splitter")
    if splitter is not None:
        window.sp_right.restoreState(splitter)
    index = window.cb_nano_name.findText(str(store.value("nano", "")))
    if index >= 0:
        window.cb_nano_name.setCurrentIndex(index)
    folder = str(store.value("workspace", "") or "")
    if open_workspace and folder and Path(folder).is_dir():
        window.open_workspace(Path(folder))


class _SaveOnClose(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Close:
            try:
                save_state(watched)
            except Exception:  # remembering must never stop the window from closing
                log.exception("could not save the window's settings")
        return False


def remember(window: Any, open_workspace: bool = True) -> None:
    restore_state(window, open_workspace)
    window._save_on_close = _SaveOnClose(window)
    window.installEventFilter(window._save_on_close)


def add_help_menu(window: Any, log_path: Path | None) -> QMenuBar:
    bar = QMenuBar(window)
    menu = bar.addMenu(QCoreApplication.translate("app_state", "&Help"))
    save = menu.addAction(QCoreApplication.translate("app_state", "Save log…"),
                          lambda: save_log(window, log_path))
    save.setEnabled(log_path is not None)
    about = QCoreApplication.translate("app_state", "About ai_nano")
    text = QCoreApplication.translate("app_state", "ai_nano {0}\n\nLog file: {1}").format(
        __version__, log_path or QCoreApplication.translate("app_state", "none"))
    menu.addAction(about, lambda: QMessageBox.about(window, about, text))
    window.layout().setMenuBar(bar)
    return bar


def save_log(window: Any, log_path: Path | None, destination: Path | None = None) -> None:
    """Ask where, then copy in a worker (the log may be megabytes)."""
    if log_path is None:
        return
    if destination is None:
        title = QCoreApplication.translate("app_state", "Save log")
        chosen, _ = QFileDialog.getSaveFileName(window, title, str(Path.home() / "ai_nano-log.txt"))
        if not chosen:
            return
        destination = Path(chosen)
    window.run_task("save-log", save_log_task, log_path, destination, quiet=True,
                    on_done=lambda path: window.set_status(
                        QCoreApplication.translate("app_state", "Log saved to {0}").format(path)))


def install_excepthook(window: QWidget, log_path: Path | None) -> None:
    """PyQt aborts on an exception escaping a slot unless sys.excepthook is ours."""
    where = (QCoreApplication.translate("app_state", "details in {0}").format(log_path) if log_path
             else QCoreApplication.translate("app_state", "details on the console"))

    def hook(kind: type[BaseException], value: BaseException,
             tb: TracebackType | None) -> None:
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        if issubclass(kind, KeyboardInterrupt):
            return
        try:
            text = str(value).splitlines()[0] if str(value) else ""
            error = f"{kind.__name__}{': ' + text if text else ''}"
            window.show_error(QCoreApplication.translate(
                "app_state", "Unexpected error ({0}); the app goes on; {1}").format(error, where))
        except Exception:  # the window is gone: the log has it
            pass
    sys.excepthook = hook
