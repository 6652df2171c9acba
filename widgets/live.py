"""The live inference panel: the Nano's current class in large type, one bar per class,
and one virtual LED per board pin, fed with my-imagenet.py's output lines.

Split from training.py (which re-exports it) to keep each module short. Passive like the
other panels: it shows what it is fed and does no disk or network work.
"""
from __future__ import annotations

import logging
from typing import Any, Sequence

from PyQt5.QtCore import QCoreApplication, QRectF, QSize, Qt, pyqtSignal
from PyQt5.QtGui import QBrush, QColor, QPainter, QPen, QRadialGradient
from PyQt5.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton,
                             QSizePolicy, QVBoxLayout, QWidget)

from core.config import DEFAULT_PINS
from core.protocol import Event, LedChange, Recognition, Scores, ScriptError, parse_line
from widgets.common import big_font, number, percent

log = logging.getLogger(__name__)



class VirtualLed(QWidget):
    """One round LED drawn like the board's, with its pin and class underneath."""

    def __init__(self, pin: int, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pin = pin
        self.label = label
        self._lit = False
        # the LED (40 px and its margins) and two lines of text in this screen's font size
        self.setMinimumSize(QSize(70, max(96, 54 + 2 * self.fontMetrics().lineSpacing())))
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)

    def is_lit(self) -> bool:
        """Whether the board last switched this pin on."""
        return self._lit

    def set_lit(self, lit: bool) -> None:
        """Switch the drawn LED on or off."""
        if lit != self._lit:
            self._lit = lit
            self.update()

    def paintEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        diameter = 40
        circle = QRectF((self.width() - diameter) / 2, 6, diameter, diameter)
        if self._lit:
            glow = QRadialGradient(circle.center(), diameter / 2)
            glow.setColorAt(0.0, QColor("#fff7a8"))
            glow.setColorAt(0.5, QColor("#ffd000"))
            glow.setColorAt(1.0, QColor("#e07b00"))
            painter.setBrush(QBrush(glow))
        else:
            painter.setBrush(QColor("#4a4a4a"))
        painter.setPen(QPen(QColor("#202020"), 2))
        painter.drawEllipse(circle)
        painter.setPen(self.palette().windowText().color())
        text_box = QRectF(0, circle.bottom() + 4, self.width(), self.height() - circle.bottom() - 4)
        text = QCoreApplication.translate("VirtualLed", "pin {0}\n{1}").format(self.pin, self.label)
        painter.drawText(text_box, Qt.AlignHCenter | Qt.AlignTop, text)


class LivePanel(QWidget):
    """The Nano's live answer: the class in large type, one bar per class, one virtual LED
    per pin, fed with my-imagenet.py's output lines (`feed_line`).

    The bars show the `scores:` lines when the script prints them (--print-scores); without
    them only the recognised class's confidence is known, so only its bar is filled.
    One "Wrong? It was …" button per class (issue 15) asks for the Nano's current picture
    to be kept as a picture of that class; usable while an inference runs.

    Signals:
        correction_requested(str): the class the student says the Nano's picture shows.
    """

    correction_requested = pyqtSignal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.class_label = QLabel()
        self.class_label.setFont(big_font(28))
        self.class_label.setAlignment(Qt.AlignCenter)
        self.confidence_label = QLabel()
        self.confidence_label.setFont(big_font(14, bold=False))
        self.confidence_label.setAlignment(Qt.AlignCenter)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self._bars_layout = QGridLayout()
        self._leds_layout = QHBoxLayout()
        self._wrong_layout = QHBoxLayout()
        self.wrong_label = QLabel(self.tr("Wrong? It was…"))
        self._wrong_layout.addWidget(self.wrong_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.class_label)
        layout.addWidget(self.confidence_label)
        layout.addLayout(self._bars_layout)
        layout.addLayout(self._leds_layout)
        layout.addLayout(self._wrong_layout)
        layout.addWidget(self.message_label)
        layout.addStretch(1)
        self.bars: list[QProgressBar] = []
        self.leds: list[VirtualLed] = []
        self.wrong_buttons: list[QPushButton] = []
        self._bar_names: list[QLabel] = []
        self._labels: list[str] = []
        self._pins: list[int] = list(DEFAULT_PINS)
        self._scores_seen = False
        self._ended = True          # nothing running: no answer is shown as current
        self.reset()

    def set_labels(self, labels: Sequence[str]) -> None:
        """The model's classes (labels.txt order): one bar and, if it has a pin, one LED each."""
        self._labels = [str(label) for label in labels]
        self._rebuild()

    def set_pins(self, pins: Sequence[int]) -> None:
        """The board pins of classes 0, 1, ... (as passed to my-imagenet.py --pins)."""
        self._pins = [int(pin) for pin in pins]
        self._rebuild()

    def reset(self) -> None:
        """Back to "not running": no class, empty bars, every LED off."""
        self._clear_answer()
        self.confidence_label.setText(self.tr("not running"))
        self.message_label.setText("")

    def show_starting(self) -> None:
        """An inference is starting: nothing answered yet."""
        self.reset()
        self._set_running(True)
        self.confidence_label.setText(self.tr("starting…"))

    def is_running(self) -> bool:
        """Whether the panel shows a running inference (started and not ended)."""
        return not self._ended

    def label_of(self, class_id: int | None) -> str:
        """The name of a class id ("" when unknown)."""
        if class_id is None or not 0 <= class_id < len(self._labels):
            return ""
        return self._labels[class_id]

    def _set_running(self, running: bool) -> None:
        self._ended = not running
        for button in self.wrong_buttons:
            button.setEnabled(running)

    def show_ended(self, reason: str = "", detail: str = "") -> None:
        """The inference ended (issue 15): the last answer is not the Nano's any more.

        `reason` is the script's `inference_end` reason ("stopped", "end_of_video",
        "camera_lost", "error") or "" when only the command's end is known (a link lost,
        a process killed); `detail` is the failure's text, if any. The first reason given
        stays: the command's end follows the script's own event.
        """
        if self._ended and not detail:
            return
        first = not self._ended
        self._set_running(False)
        self._clear_answer()
        self.confidence_label.setText(self.tr("not running"))
        texts = {"stopped": self.tr("Inference stopped."),
                 "end_of_video": self.tr("Inference ended: end of the video."),
                 "camera_lost": self.tr("Inference ended: the Nano's camera was lost."),
                 "error": self.tr("Inference ended with an error.")}
        text = texts.get(reason, self.tr("Inference ended.")) if first else ""
        if detail:
            text = (text + " " if text else "") + detail
        kept = self.message_label.text() if self.message_label.property("error") or not first else ""
        self.message_label.setText("\n".join(part for part in (kept, text) if part))
        self.message_label.setProperty("error", False)

    def _clear_answer(self) -> None:
        self._scores_seen = False
        self.class_label.setText("–")
        for name in self._bar_names:
            name.setStyleSheet("")
        for bar in self.bars:
            self._set_bar(bar, 0.0)
        for led in self.leds:
            led.set_lit(False)

    def feed_line(self, line: str) -> None:
        """Take one output line of my-imagenet.py and update what it changes.

        A result line means an inference runs (its lines come in order, and its end, the
        `inference_end` event or the command's end, comes after them)."""
        parsed = parse_line(line)
        if isinstance(parsed, Event) and parsed.name == "inference_end":
            self.show_ended(str(parsed.data.get("reason") or ""))
        elif isinstance(parsed, Recognition):
            self._show_recognition(parsed)
        elif isinstance(parsed, Scores):
            self._show_scores(parsed.values)
        elif isinstance(parsed, LedChange):
            led = self.led_for_pin(parsed.pin)
            if led is None:
                log.debug("LED line for pin %d, which no class uses here", parsed.pin)
            else:
                led.set_lit(parsed.on)
        elif isinstance(parsed, Event) and parsed.name == "labels":
            self.set_labels(parsed.data.get("labels") or [])
        elif isinstance(parsed, ScriptError):
            self.message_label.setText(self.tr("The Nano reported an error: {0}").format(parsed.reason))
            self.message_label.setProperty("error", True)

    def led_for_pin(self, pin: int) -> VirtualLed | None:
        """The virtual LED of one board pin, or None."""
        return next((led for led in self.leds if led.pin == pin), None)

    def lit_pins(self) -> list[int]:
        """The pins whose virtual LED is on."""
        return [led.pin for led in self.leds if led.is_lit()]

    def bar_values(self) -> list[float]:
        """The bars' values as fractions 0..1, in class order."""
        return [bar.value() / 1000.0 for bar in self.bars]

    def _show_recognition(self, result: Recognition) -> None:
        if self._ended:
            self._set_running(True)
        if result.class_id >= len(self._labels):  # labels not given: learn them from the lines
            self._labels += [f"class #{i}" for i in range(len(self._labels), result.class_id + 1)]
            self._labels[result.class_id] = result.label
            self._rebuild()
        self.class_label.setText(result.label)
        self.confidence_label.setText(self.tr("{0} % confidence").format(number(result.confidence * 100)))
        for index, name in enumerate(self._bar_names):
            name.setStyleSheet("font-weight: bold;" if index == result.class_id else "")
        if not self._scores_seen:
            for index, bar in enumerate(self.bars):
                self._set_bar(bar, result.confidence if index == result.class_id else 0.0)

    def _show_scores(self, values: Sequence[float]) -> None:
        self._scores_seen = True
        for bar, value in zip(self.bars, values):
            self._set_bar(bar, value)

    @staticmethod
    def _set_bar(bar: QProgressBar, fraction: float) -> None:
        bar.setValue(round(fraction * 1000))
        bar.setFormat(percent(fraction))

    def _rebuild(self) -> None:
        lit = set(self.lit_pins())  # the board's pins stay as they are: keep them drawn so
        for widget in self.bars + self._bar_names + self.leds + self.wrong_buttons:
            widget.setParent(None)
            widget.deleteLater()
        self.bars, self._bar_names, self.leds, self.wrong_buttons = [], [], [], []
        for index, label in enumerate(self._labels):
            name = QLabel(label)
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setTextVisible(True)
            self._set_bar(bar, 0.0)
            self._bars_layout.addWidget(name, index, 0)
            self._bars_layout.addWidget(bar, index, 1)
            self._bar_names.append(name)
            self.bars.append(bar)
        for index, pin in enumerate(self._pins[:len(self._labels)] if self._labels else self._pins):
            label = self._labels[index] if index < len(self._labels) else f"class #{index}"
            led = VirtualLed(pin, label)
            led.set_lit(pin in lit)
            self._leds_layout.addWidget(led)
            self.leds.append(led)
        for label in self._labels:
            button = QPushButton(label)
            button.setToolTip(self.tr("Copy the Nano's current picture into the pictures of '{0}': "
                                      "the next training learns from the Nano's own camera").format(label))
            button.setEnabled(not self._ended)
            button.clicked.connect(lambda _checked, name=label: self.correction_requested.emit(name))
            self._wrong_layout.addWidget(button)
            self.wrong_buttons.append(button)
