"""The Test results tab: accuracy per class and the confusion matrix, computed on the DL
server with the Nano's preprocessing. Passive: fed the evaluation event, no disk or network."""
from __future__ import annotations

import logging
from typing import Any, Sequence

from PyQt5.QtCore import Qt, pyqtSignal
from PyQt5.QtGui import QColor
from PyQt5.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QTableWidget,
                             QTableWidgetItem, QVBoxLayout, QWidget)

from core.protocol import Event, describe_preprocessing, parse_line
from widgets.common import big_font, number, percent, translated

log = logging.getLogger(__name__)


class TestResultsPanel(QWidget):
    """The test-set evaluation (evaluate.py): per-class accuracy and the confusion matrix.

    The evaluation runs on the DL server with the Nano's preprocessing (whole frame
    stretched, no crop), so these numbers predict what the Nano will do.
    """

    __test__ = False  # not a pytest test class despite its name

    #: evaluation_shown(dict): an evaluation was just drawn (the wrong pictures follow it)
    evaluation_shown = pyqtSignal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary_label = QLabel()
        self.summary_label.setFont(big_font(12))
        self.summary_label.setWordWrap(True)   # its long lines must not widen the window
        self.preprocessing_label = QLabel()
        self.preprocessing_label.setWordWrap(True)
        self.mistakes_label = QLabel()
        self.mistakes_label.setWordWrap(True)
        self.per_class_table = QTableWidget(0, 3)
        self.per_class_table.setHorizontalHeaderLabels(
            [self.tr("Class"), self.tr("Correct / images"), self.tr("Accuracy")])
        self.confusion_table = QTableWidget(0, 0)
        for table in (self.per_class_table, self.confusion_table):
            table.setEditTriggers(QAbstractItemView.NoEditTriggers)
            table.setSelectionMode(QAbstractItemView.NoSelection)
            table.setFocusPolicy(Qt.NoFocus)
        self.per_class_table.verticalHeader().setVisible(False)
        self.per_class_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        # Class names are what the student reads first: never squeezed to "b…"; the last
        # column takes what is left.
        self.per_class_table.horizontalHeader().setStretchLastSection(True)
        self.confusion_table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.confusion_table.verticalHeader().setSectionResizeMode(QHeaderView.Stretch)
        confusion_caption = QLabel(self.tr("Confusion matrix: rows are the true class, columns "
                                           "the class the model answered; the diagonal counts "
                                           "the correct answers."))
        confusion_caption.setWordWrap(True)
        per_class_box = QVBoxLayout()
        per_class_box.addWidget(QLabel(self.tr("Per class")))
        per_class_box.addWidget(self.per_class_table)
        confusion_box = QVBoxLayout()
        confusion_box.addWidget(confusion_caption)
        confusion_box.addWidget(self.confusion_table)
        tables = QHBoxLayout()
        tables.addLayout(per_class_box, 1)
        tables.addLayout(confusion_box, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.preprocessing_label)
        layout.addLayout(tables, 1)
        layout.addWidget(self.mistakes_label)
        self.clear()

    def clear(self) -> None:
        """Show that no evaluation exists yet."""
        self.summary_label.setText(
            self.tr("No test results yet: they appear after the ONNX conversion."))
        self.preprocessing_label.setText("")
        self.mistakes_label.setText("")
        self.per_class_table.setRowCount(0)
        self.confusion_table.setRowCount(0)
        self.confusion_table.setColumnCount(0)

    def feed_line(self, line: str) -> None:
        """Take one output line of evaluate.py; shows its `evaluation` event."""
        parsed = parse_line(line)
        if isinstance(parsed, Event) and parsed.name == "evaluation":
            self.show_evaluation(parsed.data)

    def show_evaluation(self, evaluation: dict[str, Any]) -> None:
        """Show one evaluation object (evaluate.py's event or evaluation.json)."""
        labels = [str(label) for label in evaluation.get("classes", [])]
        confusion = [[int(v) for v in row] for row in evaluation.get("confusion", [])]
        images = int(evaluation.get("images", sum(map(sum, confusion))))
        correct = int(evaluation.get("correct", sum(confusion[i][i] for i in range(len(confusion)))))
        accuracy = float(evaluation.get("accuracy", correct / images if images else 0.0))
        self.summary_label.setText(
            self.tr("Test set: {0} of {1} images recognised ({2} %)")
            .format(correct, images, number(accuracy * 100)))
        preprocessing = evaluation.get("preprocessing", self.tr("the Nano's"))
        if isinstance(preprocessing, dict):
            preprocessing = ", ".join(f"{k}: {v}" for k, v in preprocessing.items())
        preprocessing = translated(describe_preprocessing(str(preprocessing)))
        self.preprocessing_label.setText(
            self.tr("Computed with the Nano's preprocessing ({0}) on the images of test/, which "
                    "the training never saw.").format(preprocessing))
        self._fill_per_class(evaluation.get("per_class", []))
        self._fill_confusion(labels, confusion)
        self.mistakes_label.setText(self._mistakes_text(evaluation.get("mistakes", []))
                                    if "pictures" not in evaluation else "")
        self.evaluation_shown.emit(dict(evaluation))

    def _fill_per_class(self, per_class: Sequence[dict[str, Any]]) -> None:
        self.per_class_table.setRowCount(len(per_class))
        for row, entry in enumerate(per_class):
            total, correct = int(entry.get("total", 0)), int(entry.get("correct", 0))
            accuracy = float(entry.get("accuracy", correct / total if total else 0.0))
            items = [QTableWidgetItem(str(entry.get("label", row))),
                     QTableWidgetItem(f"{correct} / {total}"),
                     QTableWidgetItem(percent(accuracy))]
            items[2].setBackground(_accuracy_colour(accuracy))
            for column, item in enumerate(items):
                if column:
                    item.setTextAlignment(Qt.AlignCenter)
                self.per_class_table.setItem(row, column, item)

    def _fill_confusion(self, labels: list[str], confusion: list[list[int]]) -> None:
        size = len(confusion)
        labels = labels + [self.tr("class #{0}").format(i) for i in range(len(labels), size)]
        table = self.confusion_table
        table.setRowCount(size)
        table.setColumnCount(size)
        table.setVerticalHeaderLabels([self.tr("true: {0}").format(label) for label in labels[:size]])
        table.setHorizontalHeaderLabels(labels[:size])
        for row, counts in enumerate(confusion):
            row_total = sum(counts) or 1
            for column in range(size):
                count = counts[column] if column < len(counts) else 0
                item = QTableWidgetItem(str(count))
                item.setTextAlignment(Qt.AlignCenter)
                item.setFont(big_font(12))
                item.setBackground(_confusion_colour(count / row_total, row == column))
                item.setToolTip(self.tr("{0} image(s) of '{1}' answered as '{2}'")
                                .format(count, labels[row], labels[column]))
                table.setItem(row, column, item)

    def cell_count(self, true_class: int, answered_class: int) -> int:
        """The number shown in one confusion-matrix cell."""
        return int(self.confusion_table.item(true_class, answered_class).text())

    def _mistakes_text(self, mistakes: Sequence[dict[str, Any]], shown: int = 4) -> str:
        """The first wrongly recognised test images: worth a look (blurred? mislabelled?)."""
        if not mistakes:
            return ""
        items = [self.tr("{0} ('{1}' answered as '{2}', {3:.0f} %)").format(
                     m.get("file", "?"), m.get("label", "?"), m.get("predicted", "?"),
                     float(m.get("confidence", 0)) * 100) for m in mistakes[:shown]]
        more = (self.tr(" and {0} more").format(len(mistakes) - shown)
                if len(mistakes) > shown else "")
        return self.tr("Wrong answers in test/: {0}{1}.").format("; ".join(items), more)


def _accuracy_colour(accuracy: float) -> QColor:
    """Red for 0 %, through yellow, to green for 100 %, kept pale so the text stays readable."""
    hue = int(max(0.0, min(1.0, accuracy)) * 120)
    return QColor.fromHsv(hue, 90, 250)


def _confusion_colour(fraction: float, diagonal: bool) -> QColor:
    """Green shades on the diagonal, red shades elsewhere; white for zero."""
    if fraction <= 0:
        return QColor("white")
    return QColor.fromHsv(120 if diagonal else 0, int(30 + 110 * fraction), 240)
