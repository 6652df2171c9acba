"""Issue 11: a working space taken through every operation never loses a picture.

After each operation the multiset of picture contents (SHA-256 of every picture file
under the working space, the trash included) must still hold every member it held
before: no content may disappear and no content may lose a copy. Operations: record,
import (files, a folder, a video, a corrupt file), delete, rename, remove a class,
split, re-split, reopen from the three layouts, and SIGKILL in the middle of a split
and of an import (a child process killed). The layouts are made here.
"""
from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import cv2
import pytest

from core import classes, importing, layouts, trash
from tests.paths import REPO
from tests.media import CLASS_COLOURS, make_frame, make_image_folder, make_video
from core.workspace import PARTS, Workspace

ROOT = REPO
PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")


def contents(root: Path) -> Counter:
    """SHA-256 of every picture file under `root` (trash included), with multiplicity."""
    found: Counter = Counter()
    for path in root.rglob("*"):
        if path.is_file() and path.suffix.lower() in PICTURE_SUFFIXES:
            found[hashlib.sha256(path.read_bytes()).hexdigest()] += 1
    return found


class Keeper:
    """Remembers the multiset and fails when an operation removed any member of it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.before = contents(root)

    def check(self, operation: str) -> Counter:
        after = contents(self.root)
        lost = {digest: n - after[digest] for digest, n in self.before.items() if after[digest] < n}
        assert not lost, f"{operation} lost {sum(lost.values())} picture(s)"
        self.before = after
        return after


def jpeg(colour: str, index: int, size=(64, 48)) -> bytes:
    ok, data = cv2.imencode(".jpg", make_frame(CLASS_COLOURS[colour], index, size))
    assert ok
    return data.tobytes()


def outside_pictures(folder: Path) -> list[Path]:
    """Pictures of several formats (and sizes) outside the working space, plus bad files."""
    folder.mkdir(parents=True)
    paths = []
    for index, suffix in enumerate((".png", ".bmp", ".webp", ".jpg")):
        path = folder / f"photo{index}{suffix}"
        assert cv2.imwrite(str(path), make_frame(CLASS_COLOURS["red"], 100 + index, (80, 60)))
        paths.append(path)
    big = folder / "huge.jpg"                   # larger than a camera frame: scaled down
    assert cv2.imwrite(str(big), make_frame(CLASS_COLOURS["red"], 7, (3000, 2000)))
    corrupt = folder / "broken.jpg"
    corrupt.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    notes = folder / "notes.txt"
    notes.write_text("not a picture")
    return paths + [big, corrupt, notes]


def run_child(code: str) -> subprocess.Popen:
    script = "import sys; sys.path.insert(0, %r)\n" % str(ROOT) + textwrap.dedent(code)
    return subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)


def kill_when(process: subprocess.Popen, ready: str) -> None:
    """SIGKILL the child once it printed `ready` and worked a moment longer."""
    assert process.stdout.readline().strip() == ready
    time.sleep(0.4)
    process.send_signal(signal.SIGKILL)
    assert process.wait(10) == -signal.SIGKILL


SLOW_LINKS = """
import os, time
_link = os.link
def slow_link(*args, **kwargs):
    time.sleep(0.01)
    return _link(*args, **kwargs)
os.link = slow_link
"""


def test_every_operation_keeps_every_picture(tmp_path):
    ws = Workspace(tmp_path / "projet")
    keeper = Keeper(ws.root)
    # record
    for name in ("red", "blue", "green"):
        ws.create_class(name)
        for index in range(8):
            ws.save_image(name, jpeg("red" if name == "red" else "blue", index + 10 * len(name)))
    keeper.check("recording")
    # import files (four formats, a large one, a corrupt one, a text file)
    outside = outside_pictures(tmp_path / "downloads")
    result = importing.import_files(ws, "red", outside)
    assert result.imported == 5 and len(result.skipped) == 2
    assert any("broken.jpg" in text for text in result.skipped)
    assert any("notes.txt" in text for text in result.skipped)
    assert max(cv2.imread(str(p)).shape[1] for p in ws.images("red")) == importing.MAX_SIDE
    keeper.check("importing files")
    # import a folder, then a video (frames at the recording rate: 5/s of a 4 s video)
    make_image_folder(tmp_path / "folder", {"blue": CLASS_COLOURS["blue"]}, per_class=4, seed=3)
    assert importing.import_files(ws, "blue", [tmp_path / "folder"]).imported == 4
    video = make_video(tmp_path / "clip.avi", CLASS_COLOURS["blue"], frames=60, fps=15.0)
    assert importing.import_files(ws, "blue", [video], rate=5.0).imported == 20
    keeper.check("importing a folder and a video")
    # delete, rename, remove a class
    ws.delete_image(ws.images("red")[0])
    keeper.check("deleting")
    classes.rename_class(ws, "green", "vert")
    assert ws.classes() == ["blue", "red", "vert"]
    keeper.check("renaming")
    classes.remove_class(ws, "vert")
    assert ws.classes() == ["blue", "red"]
    keeper.check("removing a class")
    # split, then a picture copied by hand into train/, then re-split
    ws.split()
    keeper.check("splitting")
    (ws.root / "train" / "red" / "by-hand.jpg").write_bytes(jpeg("red", 999))
    ws.save_image("red", jpeg("red", 1000))
    ws.split()
    keeper.check("re-splitting")
    assert any(p.read_bytes() == jpeg("red", 999) for p in ws.images("red"))
    # SIGKILL in the middle of a split, then split again
    for index in range(60):
        ws.save_image("blue", jpeg("blue", 2000 + index))
    keeper.check("recording more")
    child = run_child(SLOW_LINKS + f"""
from core.workspace import Workspace
print("splitting", flush=True)
Workspace({str(ws.root)!r}).split(seed=3)
""")
    kill_when(child, "splitting")
    keeper.check("a split killed half-way")
    assert not ws.project_info().split_done
    ws.split(seed=3)
    keeper.check("splitting after the kill")
    # SIGKILL in the middle of an import, then import again: every stored picture whole
    make_image_folder(tmp_path / "many", {"red": CLASS_COLOURS["red"]}, per_class=80, seed=9)
    child = run_child(f"""
import time
from core import importing
from core.workspace import Workspace
_save = Workspace.save_image
def slow_save(self, *args):
    time.sleep(0.02)
    return _save(self, *args)
Workspace.save_image = slow_save
print("importing", flush=True)
importing.import_files(Workspace({str(ws.root)!r}), "red", [{str(tmp_path / "many")!r}])
""")
    kill_when(child, "importing")
    keeper.check("an import killed half-way")
    for path in ws.images("red"):
        assert cv2.imread(str(path)) is not None, f"{path.name} is half written"
    assert importing.import_files(ws, "red", [tmp_path / "many"]).imported == 80
    keeper.check("importing after the kill")
    ws.split()
    keeper.check("the last split")
    entry = next(e for e in trash.entries(ws.root) if e["reason"] == "deleted")
    restored = trash.restore(ws.root, ws.trash_dir / entry["trashed"])
    assert restored.parent == ws.images_dir / "red"
    keeper.check("restoring")


def original_tool_layout(root: Path) -> None:
    """Its split MOVED the pictures: images/<class>/ empty, train|val|test/<class>/ full."""
    for part, count, seed in (("train", 8, 0), ("val", 2, 1), ("test", 2, 2)):
        make_image_folder(root / part, {k: CLASS_COLOURS[k] for k in ("red", "blue", "yellow")},
                          per_class=count, size=(32, 24), seed=seed)
    for name in ("red", "blue", "yellow"):
        (root / "images" / name).mkdir(parents=True)
    (root / "labels.txt").write_text("blue\nred\nyellow\n")


def jetson_layout(root: Path) -> None:
    """camera-capture's dataset: train|val|test/<class>/ and labels.txt, no images/."""
    for part, count, seed in (("train", 8, 4), ("val", 2, 5), ("test", 2, 6)):
        make_image_folder(root / part, {k: CLASS_COLOURS[k] for k in ("red", "blue", "yellow")},
                          per_class=count, size=(32, 24), seed=seed)
    (root / "labels.txt").write_text("blue\nred\nyellow\n")


def plain_layout(root: Path) -> None:
    """A folder of class folders."""
    make_image_folder(root, {k: CLASS_COLOURS[k] for k in ("red", "blue", "yellow")},
                      per_class=12, size=(32, 24), seed=7)


@pytest.mark.parametrize("make, layout", [(original_tool_layout, "original tool"),
                                          (jetson_layout, "jetson-inference"),
                                          (plain_layout, "class folders")])
def test_reopening_any_layout_brings_every_picture_in(tmp_path, make, layout):
    root = tmp_path / "old"
    make(root)
    ws = Workspace(root)
    keeper = Keeper(root)
    total = sum(keeper.before.values())
    found = layouts.find_pictures(ws)
    assert found.classes() == {"blue": 12, "red": 12, "yellow": 12}
    assert layout in found.layout
    assert found.question().startswith(f"This folder looks like {found.layout}: 3 class(es), 36 picture(s)")
    assert layouts.adopt(ws, found) == 36
    keeper.check(f"adopting {layout}")
    assert {name: ws.count(name) for name in ws.classes()} == {"blue": 12, "red": 12, "yellow": 12}
    assert [p.name for p in ws.images("red")][:2] == ["00001.jpg", "00002.jpg"]
    assert sum(contents(root).values()) == total + 36           # originals left in place
    assert layouts.find_pictures(ws).pictures == []              # nothing left to offer
    ws.save_image("red", jpeg("red", 5))
    ws.split()
    keeper.check(f"splitting the reopened {layout}")
    assert sum(ws.project_info().classes.values()) == 37
    assert sum(ws.read_state("split.json")["counts"][part]["red"] for part in PARTS) == 13
