"""What went wrong with a training, in plain words, from its evaluation and curves.

A student sees a confusion matrix and a few percentages; what they need is the next
thing to do. Each finding here names the problem, the numbers behind it and what to
record. Computed from data only (evaluate.py's object, metrics.jsonl's epochs, the
picture counts), so it is tested on made-up evaluations. Qt-free.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Sequence

from core.messages import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

#: One class answered for at least this share of all test pictures: "always answers X".
ALWAYS_SHARE = 0.8
#: Validation accuracy higher than test accuracy by at least this much (fractions).
VAL_TEST_GAP = 0.15
#: A class with fewer pictures than this fraction of the largest class.
IMBALANCE_RATIO = 0.5
#: Wrong answers between two classes (both directions), as a share of their pictures.
CONFUSED_SHARE = 0.2


@dataclass(frozen=True)
class Finding:
    """One diagnosis: what kind, the sentence for the student, and its numbers."""

    kind: str      # "always", "val_vs_test", "imbalance", "confused", "fine"
    text: str
    numbers: dict[str, Any]


def diagnose(evaluation: dict[str, Any], metrics: Sequence[dict[str, Any]] = (),
             counts: dict[str, int] | None = None) -> list[Finding]:
    """Every finding for one training, the most important first (never raises on odd data).

    `evaluation` is evaluate.py's object, `metrics` the epoch records of metrics.jsonl,
    `counts` the pictures per class in images/ (the window's view of the project).
    """
    labels = [str(label) for label in evaluation.get("classes", []) or []]
    confusion = _matrix(evaluation.get("confusion"), len(labels))
    findings: list[Finding] = []
    if confusion:
        findings += _always(labels, confusion)
    findings += _val_vs_test(evaluation, metrics)
    findings += _imbalance(counts or {})
    if confusion and not any(f.kind == "always" for f in findings):
        findings += _confused(labels, confusion)
    if not findings and confusion:
        accuracy = _accuracy(evaluation, confusion)
        findings.append(Finding("fine", QT_TRANSLATE_NOOP(
                                    "core", "No problem found: {accuracy:.0%} of the test pictures "
                                    "are recognised. Try the model on the Nano's camera now."
                                ).format(accuracy=accuracy),
                                {"test_accuracy": round(accuracy, 4)}))
    return findings


def _matrix(raw: Any, size: int) -> list[list[int]]:
    """The confusion matrix as a square list of ints, [] when it is not one."""
    try:
        rows = [[int(v) for v in row] for row in raw or []]
    except (TypeError, ValueError):
        return []
    if not rows or len(rows) != size or any(len(row) != size for row in rows):
        return []
    return rows


def _accuracy(evaluation: dict[str, Any], confusion: list[list[int]]) -> float:
    total = sum(map(sum, confusion))
    try:
        return float(evaluation["accuracy"])
    except (KeyError, TypeError, ValueError):
        return sum(confusion[i][i] for i in range(len(confusion))) / total if total else 0.0


def _always(labels: list[str], confusion: list[list[int]]) -> list[Finding]:
    total = sum(map(sum, confusion))
    if total == 0 or len(labels) < 2:
        return []
    answered = [sum(row[column] for row in confusion) for column in range(len(labels))]
    top = max(range(len(labels)), key=lambda column: answered[column])
    share = answered[top] / total
    if share < ALWAYS_SHARE or sum(confusion[top]) / total >= ALWAYS_SHARE:
        return []   # not answered too often, or the test set itself is mostly that class
    return [Finding("always",
                    QT_TRANSLATE_NOOP("core", "The model almost always answers '{name}': {answered} "
                                      "of {total} test pictures ({share:.0%}). It has not learnt "
                                      "the differences yet: record more varied pictures of every "
                                      "class, then train again.").format(
                        name=labels[top], answered=answered[top], total=total, share=share),
                    {"class": labels[top], "answered": answered[top], "images": total,
                     "share": round(share, 4)})]


def _val_vs_test(evaluation: dict[str, Any], metrics: Sequence[dict[str, Any]]) -> list[Finding]:
    val = [float(r["val_acc"]) for r in metrics if isinstance(r, dict)
           and isinstance(r.get("val_acc"), (int, float))]
    try:
        test = float(evaluation["accuracy"])
    except (KeyError, TypeError, ValueError):
        return []
    if not val or max(val) - test < VAL_TEST_GAP:
        return []
    best = max(val)
    return [Finding("val_vs_test",
                    QT_TRANSLATE_NOOP("core", "Validation is much better than test: {best:.0%} "
                                      "against {test:.0%}. There are too few pictures, or they "
                                      "are too similar to each other (taken one after the "
                                      "other): record more pictures, moving the object and the "
                                      "camera.").format(best=best, test=test),
                    {"best_val_acc": round(best, 4), "test_acc": round(test, 4),
                     "gap": round(best - test, 4)})]


def _imbalance(counts: dict[str, int]) -> list[Finding]:
    sized = {name: int(n) for name, n in counts.items() if isinstance(n, (int, float))}
    if len(sized) < 2:
        return []
    largest = max(sized, key=lambda name: sized[name])
    found = []
    for name, number in sorted(sized.items(), key=lambda item: item[1]):
        if name != largest and number < IMBALANCE_RATIO * sized[largest]:
            found.append(Finding(
                "imbalance",
                QT_TRANSLATE_NOOP("core", "Class '{name}' has far fewer pictures than '{largest}': "
                                  "{number} against {largest_number}. The model then prefers "
                                  "'{largest}': record about {more} more of '{name}'.").format(
                    name=name, largest=largest, number=number, largest_number=sized[largest],
                    more=sized[largest] - number),
                {"class": name, "pictures": number, "largest": largest,
                 "largest_pictures": sized[largest]}))
    return found


def _confused(labels: list[str], confusion: list[list[int]]) -> list[Finding]:
    pairs = []
    for a in range(len(labels)):
        for b in range(a + 1, len(labels)):
            wrong = confusion[a][b] + confusion[b][a]
            pictures = sum(confusion[a]) + sum(confusion[b])
            if wrong and pictures and wrong / pictures >= CONFUSED_SHARE:
                pairs.append((wrong / pictures, a, b, wrong, pictures))
    found = []
    for share, a, b, wrong, pictures in sorted(pairs, reverse=True):
        found.append(Finding(
            "confused",
            QT_TRANSLATE_NOOP("core", "'{a}' and '{b}' are confused with each other: {wrong} of "
                              "their {pictures} test pictures ({share:.0%}; {a_as_b} '{a}' "
                              "answered as '{b}', {b_as_a} the other way). The model may be "
                              "looking at the background: record them against different "
                              "backgrounds.").format(
                a=labels[a], b=labels[b], wrong=wrong, pictures=pictures, share=share,
                a_as_b=confusion[a][b], b_as_a=confusion[b][a]),
            {"classes": [labels[a], labels[b]], "wrong": wrong, "pictures": pictures,
             "a_as_b": confusion[a][b], "b_as_a": confusion[b][a], "share": round(share, 4)}))
    return found
