"""The Log tab as a person reads it: errors red, warnings amber, each step framed.

The window writes every line through `LogView`; it drops the `scores:` lines (the Live
tab draws them) and the machine-readable `@ai_nano` lines, colours errors and warnings,
and frames each step with a bold line when it starts and "✓ done" / "✗ failed" when it
ends, so that the start and end of a step are found at a glance in a long log.
"""
from __future__ import annotations

import enum
import logging
import re

from PyQt5 import sip
from PyQt5.QtCore import QCoreApplication
from PyQt5.QtWidgets import QPlainTextEdit

from core.protocol import EVENT_MARKER, Scores, parse_scores

log = logging.getLogger(__name__)

STYLE = ("QPlainTextEdit {background-color: #2b2b2b; color: #e8e8e8;"
         " font-family: monospace;}")
COLOURS = {"error": "#ff6b6b", "warning": "#ffbf47", "step": "#8fd3ff", "done": "#7ee787",
           "text": "#e8e8e8"}

_ERROR_RE = re.compile(r"^\s*(error|erreur|traceback)\b", re.IGNORECASE)
_WARNING_RE = re.compile(r"^\s*(warning|avertissement|attention)\b", re.IGNORECASE)


class Kind(enum.Enum):
    TEXT = "text"
    WARNING = "warning"
    ERROR = "error"


def kind_of(line: str) -> Kind:
    """How a log line should look: a script's `error:`/`warning:` lines stand out."""
    if _ERROR_RE.match(line):
        return Kind.ERROR
    if _WARNING_RE.match(line):
        return Kind.WARNING
    return Kind.TEXT


def shown(line: str) -> bool:
    """Whether a line belongs in the Log (events and scores feed the panels only)."""
    return not line.startswith(EVENT_MARKER) and not isinstance(parse_scores(line), Scores)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class LogView:
    """Writes to the window's log widget (a QPlainTextEdit made by the .ui file)."""

    def __init__(self, edit: QPlainTextEdit) -> None:
        self.edit = edit
        edit.setStyleSheet(STYLE)
        edit.setMaximumBlockCount(20000)

    def line(self, text: str) -> None:
        """One line of a step or a script, coloured by its kind; panel-only lines dropped."""
        if not shown(text):
            return
        kind = kind_of(text)
        if kind is Kind.TEXT:
            self._append(text, COLOURS["text"])
        else:
            self._append(text, COLOURS[kind.value], bold=kind is Kind.ERROR)

    def error(self, text: str) -> None:
        text = QCoreApplication.translate("LogView", "ERROR: {0}").format(text)  # known to tests
        self._append(text, COLOURS["error"], bold=True)

    def warning(self, text: str) -> None:
        text = QCoreApplication.translate("LogView", "Warning: {0}").format(text)
        self._append(text, COLOURS["warning"])

    def step_started(self, title: str) -> None:
        self._append(f"━━ {title} ━━", COLOURS["step"], bold=True)

    def step_ended(self, title: str, ok: bool) -> None:
        if ok:
            text = QCoreApplication.translate("LogView", "✓ done: {0}").format(title)
            self._append(text, COLOURS["done"], bold=True)
        else:
            text = QCoreApplication.translate("LogView", "✗ failed: {0}").format(title)
            self._append(text, COLOURS["error"], bold=True)

    def scroll_to_end(self) -> None:
        bar = self.edit.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _append(self, text: str, colour: str, bold: bool = False) -> None:
        if sip.isdeleted(self.edit):   # a task ending after the window closed
            return
        weight = "font-weight:bold;" if bold else ""
        self.edit.appendHtml(f'<span style="color:{colour};{weight}white-space:pre-wrap">'
                             f"{_html(text)}</span>")
