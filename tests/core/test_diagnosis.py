"""core/diagnosis.py on made-up evaluations: each finding, with its numbers, and none
where nothing is wrong."""
from __future__ import annotations

from core.diagnosis import diagnose


def evaluation(classes, confusion):
    images = sum(map(sum, confusion))
    correct = sum(confusion[i][i] for i in range(len(confusion)))
    return {"classes": classes, "confusion": confusion, "images": images, "correct": correct,
            "accuracy": correct / images}


def kinds(findings):
    return [finding.kind for finding in findings]


def test_a_model_that_always_answers_one_class():
    findings = diagnose(evaluation(["blue", "red", "yellow"], [[10, 0, 0], [9, 1, 0], [8, 0, 2]]))
    assert kinds(findings) == ["always"]
    assert "always answers 'blue': 27 of 30" in findings[0].text
    assert findings[0].numbers == {"class": "blue", "answered": 27, "images": 30, "share": 0.9}


def test_a_test_set_of_mostly_one_class_is_not_always():
    findings = diagnose(evaluation(["blue", "red"], [[18, 0], [0, 2]]))
    assert kinds(findings) == ["fine"]
    assert "100%" in findings[0].text


def test_validation_much_better_than_test():
    metrics = [{"epoch": 1, "val_acc": 0.7}, {"epoch": 2, "val_acc": 1.0}]
    findings = diagnose(evaluation(["blue", "red"], [[8, 2], [3, 7]]), metrics)
    assert kinds(findings)[0] == "val_vs_test"
    assert "100% against 75%" in findings[0].text and "too similar" in findings[0].text
    assert findings[0].numbers["gap"] == 0.25
    assert kinds(diagnose(evaluation(["blue", "red"], [[8, 2], [3, 7]]),
                          [{"val_acc": 0.85}])) != ["val_vs_test"]


def test_far_fewer_pictures_in_one_class():
    findings = diagnose(evaluation(["blue", "red"], [[10, 0], [0, 2]]), counts={"blue": 100, "red": 20})
    assert kinds(findings) == ["imbalance"]
    assert "'red' has far fewer pictures than 'blue': 20 against 100" in findings[0].text
    assert findings[0].numbers["largest_pictures"] == 100


def test_two_classes_confused_with_each_other():
    confusion = [[6, 4, 0], [3, 7, 0], [0, 0, 10]]
    findings = diagnose(evaluation(["cat", "dog", "mug"], confusion))
    assert kinds(findings) == ["confused"]
    text = findings[0].text
    assert "'cat' and 'dog' are confused with each other: 7 of their 20" in text
    assert "different backgrounds" in text
    assert findings[0].numbers["a_as_b"] == 4 and findings[0].numbers["b_as_a"] == 3


def test_odd_evaluations_give_no_finding_and_no_crash():
    assert diagnose({}) == []
    assert diagnose({"classes": ["a", "b"], "confusion": [[1]], "accuracy": "x"}) == []
    assert diagnose({"classes": ["a", "b"], "confusion": "broken"}, [{"val_acc": None}]) == []
