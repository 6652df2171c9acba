"""Small drawing helpers shared by the passive panels."""
from __future__ import annotations

from PyQt5.QtGui import QFont


def big_font(points: int, bold: bool = True) -> QFont:
    """A larger font, readable from the back of a lab room."""
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font
