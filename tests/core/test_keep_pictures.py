"""Issue 11, point by point: the trash, the old-tool bug, names, read-only disks, two splits,
split freshness, nothing of the lab's overwritten, a decompression bomb on the server."""
from __future__ import annotations

import errno
import importlib
import os
import subprocess
import sys
import textwrap
import unicodedata
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pytest

from core import nano_steps, pipeline
from core import classes, layouts, trash
from core.machines import open_connection
from core.pipeline import Report
from tests.paths import REPO
from tests.media import CLASS_COLOURS, make_frame, make_image_folder
from core.workspace import PARTS, Workspace, WorkspaceError

ROOT = REPO


def jpegs(root: Path) -> Counter:
    return Counter(p.read_bytes() for p in root.rglob("*.jpg"))


def jpeg(index: int) -> bytes:
    return cv2.imencode(".jpg", make_frame(CLASS_COLOURS["red"], index, (32, 24)))[1].tobytes()


# ----- the trash ------------------------------------------------------------------------------

def test_trash_keeps_where_things_came_from_and_restores_them(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.create_class("red")
    first = ws.save_image("red", b"one")
    trashed = ws.delete_image(first)
    assert trashed == ws.trash_dir / "red" / "00001.jpg"
    again = ws.save_image("red", b"two")             # the same number, deleted again
    assert ws.delete_image(again).name == "00001-1.jpg"
    folder = ws.root / "train"
    (folder / "red").mkdir(parents=True)
    (folder / "red" / "x.jpg").write_bytes(b"three")
    moved = trash.move_to_trash(ws.root, folder, "re-split")
    assert moved.parent.name.startswith("~") and (moved / "red" / "x.jpg").read_bytes() == b"three"
    originals = {e["original"] for e in trash.entries(ws.root)}
    assert originals == {"images/red/00001.jpg", "train"}
    ws.save_image("red", b"taken")                   # 00001.jpg is taken again: no overwrite
    back = trash.restore(ws.root, trashed)
    assert back.parent == ws.images_dir / "red" and back.read_bytes() == b"one"
    assert (ws.images_dir / "red" / "00001.jpg").read_bytes() == b"taken"
    assert trash.restore(ws.root, moved) == folder and (folder / "red" / "x.jpg").is_file()
    with pytest.raises(trash.TrashError, match="not inside"):
        trash.move_to_trash(ws.root, tmp_path / "elsewhere.jpg", "deleted")


# ----- the reported bug: the original tool's working space ------------------------------------

def test_old_tool_space_plus_new_pictures_then_split_keeps_all_26(tmp_path):
    root = tmp_path / "old"
    for part, count, seed in (("train", 8, 0), ("val", 2, 1), ("test", 2, 2)):
        make_image_folder(root / part, {k: CLASS_COLOURS[k] for k in ("red", "blue")},
                          per_class=count, size=(32, 24), seed=seed)
    for name in ("red", "blue"):
        (root / "images" / name).mkdir(parents=True)
    ws = Workspace(root)
    ws.save_image("red", jpeg(501)), ws.save_image("blue", jpeg(502))
    before = jpegs(root)
    assert sum(before.values()) == 26
    ws.split()                                   # the student never answered the question
    after = jpegs(root)
    assert all(after[content] >= n for content, n in before.items())   # it used to be 12
    assert sum(ws.count(name) for name in ws.classes()) == 26
    assert jpegs(ws.images_dir) == before


# ----- names as stored by other systems -------------------------------------------------------

@pytest.mark.parametrize("stored", [unicodedata.normalize("NFD", "café"), "café ", " café"])
def test_a_class_folder_named_nfd_or_with_spaces_shows_its_pictures(tmp_path, stored):
    make_image_folder(tmp_path / "ws" / "images", {stored: CLASS_COLOURS["red"]}, per_class=3)
    ws = Workspace(tmp_path / "ws")
    assert ws.classes() == ["café"]
    assert ws.count("café") == 3 and len(ws.images("café")) == 3
    assert ws.create_class("café") == "café"
    assert os.listdir(ws.images_dir) == [stored]        # no second folder
    assert ws.save_image("café", b"x").parent.name == stored
    ws.split()
    assert ws.read_state("split.json")["counts"]["train"]["café"] == 2


# ----- a disk turning read-only while recording ------------------------------------------------

def test_read_only_disk_while_recording_names_itself(tmp_path, monkeypatch):
    ws = Workspace(tmp_path / "ws")
    ws.create_class("red")

    def read_only(*_args, **_kwargs):
        raise OSError(errno.EROFS, "Read-only file system")
    monkeypatch.setattr(os, "link", read_only)
    monkeypatch.setattr(os, "open", read_only)         # the O_EXCL reservation
    monkeypatch.setattr(Path, "unlink", read_only)     # the cleanup fails too
    with pytest.raises(WorkspaceError) as caught:
        ws.save_image("red", b"frame")
    assert str(caught.value) == ("Cannot save an image of class 'red': Read-only file system "
                                 "(the working space became read-only).")


# ----- two windows splitting at once -----------------------------------------------------------

def test_two_splits_at_once_both_succeed(tmp_path):
    make_image_folder(tmp_path / "ws" / "images", per_class=40, size=(32, 24))
    ws = Workspace(tmp_path / "ws")
    ws.split()
    code = textwrap.dedent(f"""
        import sys, os, time
        sys.path.insert(0, {str(ROOT)!r})
        _link = os.link
        os.link = lambda *a, **k: (time.sleep(0.005), _link(*a, **k))[1]
        from core.workspace import Workspace
        Workspace({str(ws.root)!r}).split(seed=int(sys.argv[1]))
    """)
    children = [subprocess.Popen([sys.executable, "-c", code, str(seed)], stderr=subprocess.PIPE,
                                 text=True) for seed in (1, 2)]
    errors = [child.communicate(timeout=120)[1] for child in children]
    assert [child.returncode for child in children] == [0, 0], errors
    assert ws.project_info().split_current
    assert sum(len(os.listdir(ws.root / part / "red")) for part in PARTS) == 40


# ----- what is uploaded is what the student has ------------------------------------------------

def test_an_out_of_date_split_is_made_again_before_upload(tmp_path):
    make_image_folder(tmp_path / "ws" / "images", per_class=20, size=(32, 24))
    ws = Workspace(tmp_path / "ws")
    ws.split()
    gone = ws.images("red")[0]
    ws.delete_image(gone)
    for index in range(30):
        ws.save_image("blue", jpeg(index))
    assert not ws.split_is_current()
    lines: list[str] = []
    pipeline.resplit_if_stale(ws, Report(line=lines.append))
    assert lines == ["The pictures changed since the last split: splitting again"]
    assert ws.split_is_current()
    names = {p.name for p in (ws.root / "train" / "red").iterdir()}
    assert sum(1 for m, _ in ws.archive_members() if m.startswith(("train/blue", "val/blue",
                                                                    "test/blue"))) == 50
    in_parts = [p for part in PARTS for p in (ws.root / part / "red").iterdir()]
    assert len(in_parts) == 19 and all(p.read_bytes() != ws.trash_dir.joinpath(
        "red", gone.name).read_bytes() for p in in_parts), names
    classes.rename_class(ws, "blue", "bleu")
    assert not ws.split_is_current()                    # labels.txt is rewritten by the split
    pipeline.resplit_if_stale(ws, Report())
    assert (ws.root / "labels.txt").read_text() == "bleu\nred\n"


# ----- the lab's machines ---------------------------------------------------------------------

def test_upload_keeps_the_labs_scripts_and_removes_a_killed_uploads_part(tmp_path, local_machine):
    make_image_folder(tmp_path / "ws" / "images", per_class=5, size=(32, 24))
    ws = Workspace(tmp_path / "ws")
    ws.split()
    machine = local_machine("dl")
    workdir = Path(machine.workdir)
    workdir.mkdir(parents=True)
    (workdir / "train.py").write_text("# the lab's own train.py\n")
    (workdir / "onnx_export.py").write_text("# the lab's own export\n")
    stale = workdir / "models" / "m1" / "data.tar.part"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"half an archive")
    with open_connection(machine) as conn:
        pipeline.upload_dataset(ws, "m1", conn, Report())
    assert (workdir / "train.py").read_text() == "# the lab's own train.py\n"
    assert (workdir / "onnx_export.py").read_text() == "# the lab's own export\n"
    assert (workdir / "ai_nano_scripts" / "train.py").read_bytes() == \
        (ROOT / "dl_scripts" / "train.py").read_bytes()
    assert not stale.exists()
    assert (workdir / "models" / "m1" / "labels.txt").read_text() == "blue\nred\n"


def test_a_model_upload_removes_stale_tensorrt_engines(tmp_path, local_machine):
    dl, nano = local_machine("dl"), local_machine("nano")
    model = Path(dl.workdir) / "models" / "m1" / "model"
    model.mkdir(parents=True)
    (model / "resnet18.onnx").write_bytes(b"new onnx")
    (model / "labels.txt").write_text("blue\nred\n")
    target = Path(nano.workdir) / "models" / "m1"
    target.mkdir(parents=True)
    (target / "resnet18.onnx.1.1.8201.GPU.FP16.engine").write_bytes(b"built for the old onnx")
    (target / "notes.txt").write_text("kept")
    lines: list[str] = []
    with open_connection(dl) as dl_conn, open_connection(nano) as nano_conn:
        nano_steps.upload_model_to_nano(dl_conn, nano_conn, "m1", "resnet18", Report(line=lines.append))
    assert sorted(os.listdir(target)) == ["labels.txt", "notes.txt", "resnet18.onnx"]
    assert "Removing the stale TensorRT engine resnet18.onnx.1.1.8201.GPU.FP16.engine" in lines


# ----- the server: a picture too large to decode ----------------------------------------------

def test_a_decompression_bomb_is_skipped_by_name(tmp_path, monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(ROOT / "dl_scripts"))
    nano_data = importlib.import_module("nano_data")
    from PIL import Image
    for name, count in (("red", 3), ("blue", 3)):
        folder = tmp_path / "train" / name
        folder.mkdir(parents=True)
        for index in range(count):
            Image.new("RGB", (40, 30), (200, 10 * index, 0)).save(folder / f"{index:05d}.jpg")
    Image.new("RGB", (200, 150)).save(tmp_path / "train" / "red" / "huge.jpg")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)   # 30 000 px > twice the limit
    decoded = nano_data.decode_split(tmp_path / "train", ["blue", "red"], 16, nano=True)
    assert len(decoded) == 6 and [p.name for p in decoded.skipped] == ["huge.jpg"]
    out = capsys.readouterr()
    assert "huge.jpg: too large to decode" in out.out + out.err
    assert isinstance(decoded.images, np.ndarray)


def test_adopting_twice_brings_nothing_twice(tmp_path):
    make_image_folder(tmp_path / "ws" / "train", per_class=4, size=(32, 24))
    ws = Workspace(tmp_path / "ws")
    assert layouts.adopt(ws, layouts.find_pictures(ws)) == 8
    assert layouts.find_pictures(ws).pictures == []
    (tmp_path / "ws" / "val" / "red").mkdir(parents=True)
    for path in (tmp_path / "ws" / "train" / "red").iterdir():   # a copy, not a link: by content
        (tmp_path / "ws" / "val" / "red" / path.name).write_bytes(path.read_bytes())
    assert layouts.find_pictures(ws).classes() == {}
