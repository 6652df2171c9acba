"""Unit tests of workspace.py: numbering, trash, split, labels.txt, warnings, archive."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import tarfile
import threading
import time
from datetime import datetime
from pathlib import Path

import cv2
import pytest

from core import workspace as workspace_module
from tests.media import make_image_folder
from core.names import suggest_model_name
from core.workspace import Workspace, WorkspaceError, validate_class_name
from tests.paths import REPO

JPEG = b"\xff\xd8\xff\xe0fake-jpeg\xff\xd9"


def make_workspace(tmp_path: Path, per_class: dict[str, int]) -> Workspace:
    """A workspace whose images/ holds `per_class` generated images per class."""
    root = tmp_path / "my project"
    for name, count in per_class.items():
        make_image_folder(root / "images", {name: (10, 200, 30)}, per_class=count, size=(32, 24))
    return Workspace(root)


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ----- class names ------------------------------------------------------------------------

def everything_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize("name", ["red", "my cup", "Tasse à café", "été", "a'b", "x;y", "$(id)", "`ls`",
                                  "a..b", "'; rm -rf ~"])
def test_safe_class_names_are_accepted_as_one_folder(tmp_path, name):
    ws = Workspace(tmp_path / "ws")
    assert ws.create_class(name) == name
    ws.save_image(name, JPEG)
    assert everything_under(tmp_path) == {"ws", "ws/images", f"ws/images/{name}", f"ws/images/{name}/00001.jpg"}
    assert ws.classes() == [name]


@pytest.mark.parametrize("name, words", [
    ("", "empty"), ("   ", "empty"), ("a/b", "separator"), ("../up", "separator"), ("..", "dot"),
    (".hidden", "dot"), ("a\\b", "separator"), ("x" * 65, "at most 64"), ("tab\there", "control"),
    ("new\nline", "control"), ("/etc", "separator"),
])
def test_hostile_class_names_are_refused_with_one_line(tmp_path, name, words):
    ws = Workspace(tmp_path / "ws")
    for attempt in (ws.create_class, lambda n: ws.save_image(n, JPEG), ws.count, ws.images):
        with pytest.raises(WorkspaceError) as caught:
            attempt(name)
        message = str(caught.value)
        assert words in message and "\n" not in message
    assert everything_under(tmp_path) == set()


def test_class_name_is_cleaned():
    assert validate_class_name("  red  ") == "red"
    assert validate_class_name("e\u0301te\u0301") == "été"   # NFC


# ----- numbering --------------------------------------------------------------------------

def test_save_numbers_after_the_highest_and_never_overwrites(tmp_path):
    ws = Workspace(tmp_path)
    ws.create_class("red")
    folder = tmp_path / "images" / "red"
    (folder / "00007.jpg").write_bytes(b"older image")
    (folder / "notes.jpg").write_bytes(b"other name")
    first = ws.save_image("red", JPEG)
    second = ws.save_image("red", JPEG)
    assert (first.name, second.name) == ("00008.jpg", "00009.jpg")
    assert (folder / "00007.jpg").read_bytes() == b"older image"
    assert first.read_bytes() == JPEG
    # a file appears at the next number behind our back (another writer): skipped, kept
    (folder / "00010.jpg").write_bytes(b"concurrent")
    third = ws.save_image("red", JPEG)
    assert third.name == "00011.jpg"
    assert (folder / "00010.jpg").read_bytes() == b"concurrent"
    assert not [p for p in folder.iterdir() if p.name.startswith(".")], "temporary file left"
    assert ws.count("red") == 6


def test_two_workspaces_writing_at_once_lose_nothing(tmp_path):
    Workspace(tmp_path).create_class("red")
    writers = [Workspace(tmp_path), Workspace(tmp_path)]
    saved: list[Path] = []
    lock = threading.Lock()

    def write(ws: Workspace, tag: bytes) -> None:
        for i in range(40):
            path = ws.save_image("red", tag + str(i).encode())
            with lock:
                saved.append(path)

    threads = [threading.Thread(target=write, args=(w, t)) for w, t in zip(writers, (b"A", b"B"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(saved)) == 80
    contents = {p.read_bytes() for p in saved}
    assert len(contents) == 80
    assert Workspace(tmp_path).count("red") == 80


def test_without_hard_links_the_name_is_reserved_not_overwritten(tmp_path, monkeypatch):
    def no_links(*_args):
        raise OSError(1, "Operation not permitted")
    monkeypatch.setattr(workspace_module.os, "link", no_links)
    ws = Workspace(tmp_path)
    ws.create_class("red")
    (tmp_path / "images" / "red" / "00002.jpg").write_bytes(b"keep")
    ws._next_number["red"] = 2      # a stale guess: the name is taken
    path = ws.save_image("red", JPEG)
    assert path.name == "00003.jpg" and path.read_bytes() == JPEG
    assert (tmp_path / "images" / "red" / "00002.jpg").read_bytes() == b"keep"


def test_leftovers_of_a_killed_recording_are_ignored_then_cleaned(tmp_path):
    ws = Workspace(tmp_path)
    ws.create_class("red")
    folder = tmp_path / "images" / "red"
    ws.save_image("red", JPEG)
    half = folder / ".0123abcd.tmp"
    half.write_bytes(JPEG[:4])                     # killed while writing
    os.utime(half, (1, 1))
    reopened = Workspace(tmp_path)
    assert reopened.count("red") == 1 and reopened.images("red") == [folder / "00001.jpg"]
    assert reopened.save_image("red", JPEG).name == "00002.jpg"
    reopened.create_class("red")                   # reopening the form cleans up
    assert not half.exists() and reopened.count("red") == 2


RECORDER = """
import sys, cv2, numpy as np
sys.path.insert(0, sys.argv[2])
from core.workspace import Workspace
ws = Workspace(sys.argv[1])
ws.create_class("red")
frame = np.random.default_rng(0).integers(0, 255, (240, 320, 3), dtype=np.uint8)
data = cv2.imencode(".jpg", frame)[1].tobytes()
print("ready", flush=True)
while True:
    ws.save_image("red", data)
"""


def test_app_killed_while_recording_loses_and_overwrites_nothing(tmp_path):
    root = tmp_path / "ws"
    recorder = subprocess.Popen([sys.executable, "-c", RECORDER, str(root), str(REPO)],
                                stdout=subprocess.PIPE, text=True)
    assert recorder.stdout.readline().strip() == "ready"
    time.sleep(0.4)
    recorder.send_signal(signal.SIGKILL)
    recorder.wait(10)
    ws = Workspace(root)
    images = ws.images("red")
    assert len(images) >= 3
    assert [p.name for p in images] == [f"{i:05d}.jpg" for i in range(1, len(images) + 1)]
    assert all(cv2.imread(str(p)) is not None for p in images)      # every named image complete
    before = {p: p.read_bytes() for p in images}
    new = ws.save_image("red", JPEG)
    assert new.name == f"{len(images) + 1:05d}.jpg"
    assert all(p.read_bytes() == data for p, data in before.items())


def test_saving_into_a_missing_class_is_refused(tmp_path):
    with pytest.raises(WorkspaceError, match="Create"):
        Workspace(tmp_path).save_image("red", JPEG)


# ----- trash ------------------------------------------------------------------------------

def test_delete_moves_to_trash_and_keeps_numbering_safe(tmp_path):
    ws = Workspace(tmp_path)
    ws.create_class("red")
    paths = [ws.save_image("red", b"img%d" % i) for i in range(3)]
    trashed = ws.delete_image(paths[2])
    assert trashed == tmp_path / ".ai_nano" / "trash" / "red" / "00003.jpg"
    assert trashed.read_bytes() == b"img2" and not paths[2].exists()
    again = ws.save_image("red", b"new")
    assert again.name == "00003.jpg"
    second_trash = ws.delete_image(again)           # same name in the trash: not overwritten
    assert second_trash.name == "00003-1.jpg"
    assert trashed.read_bytes() == b"img2" and second_trash.read_bytes() == b"new"
    assert ws.count("red") == 2


def test_delete_refuses_files_outside_images(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.create_class("red")
    outside = tmp_path / "precious.jpg"
    outside.write_bytes(b"x")
    with pytest.raises(WorkspaceError, match="not a recorded image"):
        ws.delete_image(outside)
    with pytest.raises(WorkspaceError, match="no longer exists"):
        ws.delete_image(tmp_path / "ws" / "images" / "red" / "00099.jpg")
    assert outside.exists()


# ----- split ------------------------------------------------------------------------------

def test_split_is_80_10_10_hard_linked_reproducible_and_leaves_images_intact(tmp_path):
    ws = make_workspace(tmp_path, {"red": 20, "blue": 10, "Zebra": 30})
    before = tree(ws.images_dir)
    result = ws.split(seed=3)
    assert result.counts["train"] == {"red": 16, "blue": 8, "Zebra": 24}
    assert result.counts["val"] == {"red": 2, "blue": 1, "Zebra": 3}
    assert result.counts["test"] == {"red": 2, "blue": 1, "Zebra": 3}
    assert result.linked
    assert tree(ws.images_dir) == before
    assert ws.labels_file.read_text() == "Zebra\nblue\nred\n"     # Python sorted, no blank line
    a_file = next((ws.root / "train" / "red").iterdir())
    assert os.path.samefile(a_file, ws.images_dir / "red" / a_file.name)
    first = {p: tree(ws.root / p) for p in ("train", "val", "test")}
    # every image in exactly one part
    names = [f"{k.split('/')[0]}/{k.split('/')[1]}" for p in first.values() for k in p]
    assert len(names) == len(set(names)) == 60
    ws.split(seed=3)
    assert {p: tree(ws.root / p) for p in ("train", "val", "test")} == first
    ws.split(seed=4)
    assert {p: tree(ws.root / p) for p in ("train", "val", "test")} != first
    assert tree(ws.images_dir) == before
    assert ws.project_info().split_current


def test_split_again_after_new_images_rebuilds_and_copies_when_links_fail(tmp_path, monkeypatch):
    ws = make_workspace(tmp_path, {"red": 10, "blue": 10})
    ws.split()
    stale = ws.root / "train" / "red" / "stale.jpg"
    stale.write_bytes(b"left from before")
    ws.save_image("red", JPEG)
    assert not ws.project_info().split_current
    monkeypatch.setattr(workspace_module.os, "link", lambda *_a: (_ for _ in ()).throw(OSError(18, "EXDEV")))
    result = ws.split()
    assert not result.linked
    assert not stale.exists()   # the old train/ went to the trash, its hand-copied picture
    # was brought into images/ first (issue 11: it used to be deleted for good)
    assert [p for p in ws.images("red") if p.read_bytes() == b"left from before"]
    assert list(ws.trash_dir.rglob("stale.jpg"))
    assert sum(result.counts[p]["red"] for p in ("train", "val", "test")) == 12
    copy = next((ws.root / "train" / "blue").iterdir())
    assert not os.path.samefile(copy, ws.images_dir / "blue" / copy.name)
    assert copy.read_bytes() == (ws.images_dir / "blue" / copy.name).read_bytes()
    assert ws.project_info().split_current


def test_interrupted_split_leaves_no_split_record_and_archive_refuses(tmp_path, monkeypatch):
    ws = make_workspace(tmp_path, {"red": 10, "blue": 10})
    ws.split()
    before = tree(ws.images_dir)
    calls = {"n": 0}
    real_link = os.link

    def dying_link(src, dst):
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt   # the app killed in the middle
        real_link(src, dst)

    monkeypatch.setattr(workspace_module.os, "link", dying_link)
    with pytest.raises(KeyboardInterrupt):
        ws.split(seed=9)
    monkeypatch.setattr(workspace_module.os, "link", real_link)
    assert tree(ws.images_dir) == before
    assert not ws.project_info().split_done
    with pytest.raises(WorkspaceError, match="Split first"):
        ws.build_archive(tmp_path / "data.tar")
    ws.split(seed=9)   # the step can be done again; leftovers are cleaned
    assert not list(ws.state_dir.glob("split-*"))
    assert ws.project_info().split_done


def test_split_warnings(tmp_path):
    ws = make_workspace(tmp_path, {"red": 20, "blue": 2})
    ws.create_class("empty")
    warnings = ws.split_warnings()
    text = "\n".join(warnings)
    assert "'blue' has 2 image(s)" in text
    assert "'empty' has no images" in text
    assert "'red' has 20 images, more than twice class 'blue'" in text
    assert Workspace(tmp_path / "none").split_warnings() == [
        "Only 0 class(es) with images: a classifier needs at least 2."]
    balanced = make_workspace(tmp_path / "b", {"red": 10, "blue": 6})
    assert balanced.split_warnings() == []


def test_reopen_info(tmp_path):
    ws = make_workspace(tmp_path, {"red": 4, "blue": 3})
    again = Workspace(ws.root)
    assert again.has_project()
    info = again.project_info()
    assert info.classes == {"blue": 3, "red": 4} and not info.split_done
    assert not Workspace(tmp_path / "fresh").has_project()
    again.write_state({"camera": "0"})
    assert Workspace(ws.root).read_state() == {"camera": "0"}
    (ws.state_dir / "project.json").write_text("{broken")
    assert Workspace(ws.root).read_state() == {}


# ----- archive ----------------------------------------------------------------------------

def test_archive_members_hash_and_size(tmp_path):
    ws = make_workspace(tmp_path, {"red": 10, "blue été": 10})
    ws.split()
    progress = []
    dest = tmp_path / "out" / "dataset.tar"
    path, sha256, size = ws.build_archive(dest, on_progress=lambda d, t: progress.append((d, t)))
    assert path == dest and size == dest.stat().st_size
    assert sha256 == hashlib.sha256(dest.read_bytes()).hexdigest()
    assert not dest.with_name("dataset.tar.part").exists()
    assert progress[-1][0] == progress[-1][1] > 0
    with tarfile.open(dest) as tar:
        members = tar.getmembers()
        names = [m.name for m in members]
        assert all(m.isreg() for m in members)
        assert all(not n.startswith("/") and ".." not in n.split("/") for n in names)
        assert "labels.txt" in names
        assert tar.extractfile("labels.txt").read() == "blue été\nred\n".encode()
        images = [n for n in names if n != "labels.txt"]
        assert len(images) == 20 and {n.split("/")[0] for n in images} == {"train", "val", "test"}
        sample = next(n for n in images if n.startswith("val/red/"))
        assert tar.extractfile(sample).read() == (ws.images_dir / "red" / sample.split("/")[-1]).read_bytes()


def test_archive_refuses_a_class_missing_from_val_and_cancel_leaves_no_file(tmp_path):
    ws = make_workspace(tmp_path, {"red": 10, "blue": 2})
    ws.split()
    with pytest.raises(WorkspaceError, match="val/ has no image of class 'blue'"):
        ws.build_archive(tmp_path / "a.tar")
    ok = make_workspace(tmp_path / "ok", {"red": 10, "blue": 10})
    ok.split()
    stop = threading.Event()
    stop.set()
    with pytest.raises(WorkspaceError, match="cancelled"):
        ok.build_archive(tmp_path / "b.tar", stop=stop)
    assert not list(tmp_path.glob("*.tar*"))


def test_archive_killed_midway_leaves_no_archive(tmp_path, monkeypatch):
    ws = make_workspace(tmp_path, {"red": 10, "blue": 10})
    ws.split()
    dest = tmp_path / "c.tar"
    dest.write_bytes(b"an older complete archive")
    real_addfile, calls = tarfile.TarFile.addfile, [0]

    def dying_addfile(self, *args, **kwargs):
        calls[0] += 1
        if calls[0] == 6:
            raise KeyboardInterrupt
        return real_addfile(self, *args, **kwargs)

    monkeypatch.setattr(tarfile.TarFile, "addfile", dying_addfile)
    with pytest.raises(KeyboardInterrupt):
        ws.build_archive(dest)
    assert dest.read_bytes() == b"an older complete archive"     # never replaced by a half tar
    assert not dest.with_name("c.tar.part").exists()
    monkeypatch.setattr(tarfile.TarFile, "addfile", real_addfile)
    path, sha256, size = ws.build_archive(dest)
    with tarfile.open(path) as tar:
        assert len(tar.getmembers()) == 21


def test_suggest_model_name(tmp_path):
    when = datetime(2026, 11, 27, 11, 5, 9)
    root = tmp_path / "Projet Été 'x'"
    assert suggest_model_name(root, when) == "projet-ete-x-20261127-110509"
    assert suggest_model_name(root, when, existing={"projet-ete-x-20261127-110509"}) == \
        "projet-ete-x-20261127-110509-2"
    assert suggest_model_name(tmp_path / "日本", when) == \
        "model-20261127-110509"
