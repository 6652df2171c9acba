"""Small drawing helpers shared by the passive panels, and core's texts in the reader's language."""
from __future__ import annotations

from typing import Any

from PyQt5.QtCore import QCoreApplication
from PyQt5.QtGui import QFont

from core.messages import render

#: Languages that write 0,5 rather than 0.5.
DECIMAL_COMMA = ("fr",)


def big_font(points: int, bold: bool = True) -> QFont:
    """A larger font, readable from the back of a lab room."""
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font


def number(value: float, digits: int = 1) -> str:
    """A decimal number as the window's language writes it ("99.2" in English, "99,2" in French)."""
    app = QCoreApplication.instance()
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if app is not None and app.property("ai_nano_language") in DECIMAL_COMMA else text


def percent(fraction: float, digits: int = 1) -> str:
    """A share 0..1 as the window's language writes a percentage ("99.2 %", "99,2 %")."""
    return f"{number(fraction * 100, digits)} %"


def translated(text: Any) -> str:
    """A text from core (a core.messages.Message) in the window's language; others unchanged.

    The one place core's messages are translated: the window's log, errors and panels call it.
    """
    app = QCoreApplication.instance()
    language = app.property("ai_nano_language") if app is not None else None
    return render(text, QCoreApplication.translate, decimal_comma=language in DECIMAL_COMMA)
