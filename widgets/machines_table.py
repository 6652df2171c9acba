"""The Machines tab: one column per machine, one row per check, coloured by state.
Passive: fed check rows (core.check_report), it emits what the user asked for."""
from __future__ import annotations

import logging
from typing import Sequence

from PyQt5.QtCore import QT_TRANSLATE_NOOP, Qt, pyqtSignal
from PyQt5.QtGui import QColor
from PyQt5.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                             QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from core.check_report import CHECKS, FAIL, OK, SKIP, WARN, CheckRow
from widgets.common import translated

log = logging.getLogger(__name__)

#: The check titles, as literals for pylupdate5 (core.check_report is Qt-free).
CHECK_TITLES = {"reachable": QT_TRANSLATE_NOOP("MachineStatusPanel", "Reachable"),
                "login": QT_TRANSLATE_NOOP("MachineStatusPanel", "Login"),
                "python": QT_TRANSLATE_NOOP("MachineStatusPanel", "Python"),
                "software": QT_TRANSLATE_NOOP("MachineStatusPanel", "PyTorch / runtime"),
                "camera": QT_TRANSLATE_NOOP("MachineStatusPanel", "Camera"),
                "disk": QT_TRANSLATE_NOOP("MachineStatusPanel", "Free disk")}
STATE_COLOURS = {OK: QColor("#b9e4bd"), WARN: QColor("#ffe0a3"), FAIL: QColor("#f6b3b3"),
                 SKIP: QColor("#e3e3e3")}


class MachineStatusPanel(QWidget):
    """A table of checks × machines, one column per machine (green ok, amber warning,
    red failure, grey not checked) with a "Check again" button. Checks are rows: a lab
    has few machines but seven checks, and wide columns keep each reason readable. The window runs machine_check in a worker and
    passes the rows to `set_rows`.

    Signals:
        check_requested(): the user asked for a new check.
    """

    check_requested = pyqtSignal()  # no payload

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(len(CHECKS), 0)
        self.table.setVerticalHeaderLabels([self.tr(CHECK_TITLES.get(key, title)) for key, title in CHECKS])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.NoSelection)
        self.table.setFocusPolicy(Qt.NoFocus)
        self.table.setSizeAdjustPolicy(QAbstractItemView.AdjustToContents)
        # Every column shares the width and long texts wrap: the whole table stays visible.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.setWordWrap(True)
        self.status_label = QLabel(self.tr("Not checked yet."))
        self.status_label.setWordWrap(True)
        self.check_button = QPushButton(self.tr("Check again"))
        self.check_button.setToolTip(self.tr("Check again that the DL server and the Nanos are reachable and ready"))
        self.check_button.clicked.connect(self.check_requested)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.check_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self._rows: list[CheckRow] = []

    def set_checking(self, checking: bool) -> None:
        """Say that a check runs (and disable the button until it ends)."""
        self.check_button.setEnabled(not checking)
        self.check_button.setText(self.tr("Checking…") if checking else self.tr("Check again"))
        if checking:
            self.status_label.setText(self.tr("Checking the machines…"))

    def set_rows(self, rows: Sequence[CheckRow]) -> None:
        """Show the result of a check, one column per machine."""
        self._rows = list(rows)
        self.table.setColumnCount(len(rows))
        self.table.setHorizontalHeaderLabels(
            [self._column_title(row) for row in rows])
        for index, row in enumerate(rows):
            for check, (key, title) in enumerate(CHECKS):
                result = row.result(key)
                item = QTableWidgetItem(translated(result.text))
                item.setBackground(STATE_COLOURS.get(result.state, STATE_COLOURS[SKIP]))
                item.setForeground(QColor("#707070") if result.state == SKIP else QColor("black"))
                item.setToolTip(self.tr("{0}: {1}").format(self.tr(CHECK_TITLES.get(key, title)),
                                                           translated(result.detail or result.text)))
                item.setData(Qt.UserRole, result.state)
                self.table.setItem(check, index, item)
        failed = [row.machine for row in rows if row.failed]
        self.set_checking(False)
        self.status_label.setText(
            self.tr("No machines in config.json.") if not rows
            else self.tr("All machines ready.") if not failed
            else self.tr("Not ready: {0} (hover a red cell for the reason).").format(", ".join(failed)))

    def _column_title(self, row: CheckRow) -> str:
        """"nano-1 (Nano)"; a name that already says its role is not repeated (issue 16)."""
        role = self.tr("DL server") if row.role == "dl" else self.tr("Nano")
        said = ("(dl server)", "(serveur dl)") if row.role == "dl" else ("(nano)",)
        return row.machine if row.machine.lower().endswith(said) else f"{row.machine} ({role})"

    def cell_state(self, row: int, key: str) -> str:
        """The state ("ok", "warn", "fail", "skip") of check `key` for machine number `row`."""
        check = [k for k, _title in CHECKS].index(key)
        return str(self.table.item(check, row).data(Qt.UserRole))
