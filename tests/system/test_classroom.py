"""Issue 13, parts 5 and 6: one student per Nano, and the instructor's view of the class.

Real sshd servers on 127.0.0.1 (a DL server and a Nano), the real job.py queue, the real
my-imagenet.py on ONNX Runtime reading an endless MJPEG camera, LEDs simulated (no GPIO
library here: the scripts print `LED pin N on|off`).
"""
from __future__ import annotations

import json
import posixpath
import sys
import threading
import time
import uuid

import pytest

from core import classroom, tasks
from core.config import Config
from core.machines import open_connection
from core.nano_steps import NanoInUse
from core.pipeline import DL_SCRIPTS, DL_SCRIPTS_DIR, Report, StepError, deploy_scripts
from tests.media import CLASS_COLOURS, mjpeg_stream
from tests.remote.test_nano_scripts import LABELS, build_colour_model
from tests.sshd import chown_tree, user_processes

ALICE = {"login": "alice", "laptop": "laptop-a", "workspace": "fruits"}
BOB = {"login": "bob", "laptop": "laptop-b", "workspace": "fruits"}


class Log:
    """A Report that keeps its lines (and can be stopped)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.stop = threading.Event()
        self.report = Report(line=self.lines.append, stop=self.stop)


class Run(threading.Thread):
    """A task in a thread, as the window's worker runs it; keeps the result or the error."""

    def __init__(self, function, *args, **kwargs) -> None:
        super().__init__(daemon=True)
        self.log = Log()
        self.result = self.error = None
        self._call = (function, args, kwargs)
        self.start()

    def run(self) -> None:
        function, args, kwargs = self._call
        try:
            self.result = function(*args, report=self.log.report, **kwargs)
        except Exception as error:  # kept for the test to check
            self.error = error


def wait_for(predicate, timeout_s: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what or predicate}")


@pytest.fixture
def lab(sshd_pair, make_machine, known_hosts, remote_workdir, test_user):
    """A DL server and a Nano holding one model; the Nano's camera shows red."""
    token = "m" + uuid.uuid4().hex[:10]
    with mjpeg_stream(CLASS_COLOURS["red"]) as camera:
        dl = make_machine(sshd_pair[0], role="dl")
        nano = make_machine(sshd_pair[1], role="nano", camera=camera, name="nano3")
        model = remote_workdir / "nano" / "models" / token
        model.mkdir(parents=True)
        build_colour_model(model / "resnet18.onnx")
        (model / "labels.txt").write_text("".join(f"{name}\n" for name in LABELS))
        chown_tree(remote_workdir, test_user)
        connect = lambda machine: open_connection(machine, known_hosts=known_hosts)  # noqa: E731
        yield dl, nano, token, connect, remote_workdir
        assert not user_processes(test_user, token), "an inference was left running"


def holder_login(connect, nano) -> str:
    row = classroom.probe_nano(connect, nano)
    assert row.reachable, row.error
    return row.holder.get("login", "")


def test_second_student_is_told_who_uses_the_nano_and_can_take_over(lab):
    dl, nano, model, connect, _ = lab
    first = Run(tasks.inference_task, connect, nano, model, owner=ALICE)
    wait_for(lambda: holder_login(connect, nano) == "alice", what="alice's lock")
    wait_for(lambda: "LED pin 16 on" in first.log.lines, what="alice's red LED")

    second = Run(tasks.inference_task, connect, nano, model, owner=BOB)
    second.join(60)
    assert second.error is None, second.error
    busy = second.result
    assert isinstance(busy, NanoInUse)
    assert str(busy).startswith(f"nano3 is in use by alice on laptop-a since {time.strftime('%H')}")
    assert f"(model {model})" in str(busy)
    assert first.is_alive(), "a refused second inference must not disturb the first"
    assert holder_login(connect, nano) == "alice"

    taker = Run(tasks.inference_task, connect, nano, model, owner=BOB, take_over=True)
    first.join(60)
    assert isinstance(first.error, StepError)
    assert str(first.error) == ("nano3 was taken over by bob on laptop-b: your inference "
                                "stopped (LEDs off)")
    led_lines = [line for line in first.log.lines if line.startswith("LED pin")]
    assert led_lines[-1] == "LED pin 16 off", led_lines
    wait_for(lambda: holder_login(connect, nano) == "bob", what="bob's lock")
    wait_for(lambda: "LED pin 16 on" in taker.log.lines, what="bob's red LED")
    taker.log.stop.set()
    taker.join(30)
    assert taker.error is None and taker.result == 0
    assert holder_login(connect, nano) == ""


def test_a_crashed_holder_never_blocks_the_nano(lab, test_user):
    dl, nano, model, connect, workdir = lab
    first = Run(tasks.inference_task, connect, nano, model, owner=ALICE)
    wait_for(lambda: holder_login(connect, nano) == "alice", what="alice's lock")
    pid = json.loads((workdir / "nano" / "ai_nano_inference.lock.json").read_text())["pid"]
    import os
    import signal
    os.kill(pid, signal.SIGKILL)          # no clean-up at all: the kernel drops the flock
    first.join(30)
    assert holder_login(connect, nano) == ""
    second = Run(tasks.inference_task, connect, nano, model, owner=BOB)
    wait_for(lambda: holder_login(connect, nano) == "bob", what="bob's lock after a crash")
    second.log.stop.set()
    second.join(30)
    assert second.result == 0


def test_instructor_stops_an_inference_and_blinks_the_leds(lab):
    dl, nano, model, connect, _ = lab
    first = Run(tasks.inference_task, connect, nano, model, owner=ALICE)
    wait_for(lambda: holder_login(connect, nano) == "alice", what="alice's lock")
    refused = Log()
    with pytest.raises(StepError, match=r"^nano3: in use by alice on laptop-a since"):
        classroom.blink_leds(connect, nano, refused.report)
    assert not any(line.startswith("blink pin") for line in refused.lines)

    stopper = Log()
    classroom.stop_inference(connect, nano, stopper.report)
    first.join(30)
    assert str(first.error).startswith("nano3 was taken over by the instructor on ")
    assert stopper.lines[-1] == "nano3: inference stopped, LEDs off"

    blinker = Log()
    classroom.blink_leds(connect, nano, blinker.report)
    blinks = [line for line in blinker.lines if line.startswith("blink pin")]
    assert blinks == ["blink pin 12 (class #0)", "blink pin 16 (class #1)",
                      "blink pin 18 (class #2)"] * 2
    assert [line for line in blinker.lines if line.startswith("LED pin")][-1] == "LED pin 18 off"


def _job(conn, model: str, seconds: float) -> None:
    argv = [sys.executable, posixpath.join(DL_SCRIPTS_DIR, "job.py"), "start", "--job-dir",
            f"models/{model}/job", "--queue-dir", "queue", "--slots", "1", "--",
            "sleep", str(seconds)]
    assert conn.run(argv, cwd=conn.workdir()) == 0


def test_class_view_lists_trainings_queue_and_nanos(lab, closed_port, make_machine,
                                                   sshd_pair):
    dl, nano, model, connect, workdir = lab
    down = make_machine(sshd_pair[1], role="nano", name="nano9", port=closed_port)
    config = Config(dl_server=dl, nanos=(nano, down))
    with connect(dl) as conn:
        deploy_scripts(conn, DL_SCRIPTS, posixpath.join(conn.workdir(), DL_SCRIPTS_DIR),
                       Report())
        for owner, name in ((ALICE, "alice-1"), (BOB, "bob-1")):
            conn.write_text(f"{conn.workdir()}/models/{name}/owner.json", json.dumps(owner))
        conn.write_text(f"{conn.workdir()}/models/alice-1/model/metrics.jsonl", "\n".join(
            json.dumps({"epoch": e, "epochs": 5, "best_val_acc": acc})
            for e, acc in ((1, 0.5), (2, 0.75))) + "\n")
        _job(conn, "alice-1", 60)
        _job(conn, "bob-1", 60)
    state = classroom.gather(config, connect)
    assert state.dl_error == ""
    rows = {t.model: t for t in state.trainings}
    assert [t.model for t in state.trainings] == ["alice-1", "bob-1"]
    assert (rows["alice-1"].state, rows["alice-1"].owner, rows["alice-1"].epoch,
            rows["alice-1"].best_val_acc) == ("running", "alice on laptop-a", "2/5", 0.75)
    assert (rows["bob-1"].state, rows["bob-1"].ahead) == ("waiting", 0)
    assert [(n.name, n.reachable, n.in_use) for n in state.nanos] == [
        ("nano3", True, False), ("nano9", False, False)]
    text = classroom.format_text(state)
    assert "alice-1  alice on laptop-a  running" in text
    assert "refused the connection" in text.split("nano9", 1)[1].splitlines()[0]

    classroom.stop_training(connect, dl, "alice-1", Report())
    wait_for(lambda: {t.model: t.state for t in classroom.gather(config, connect).trainings}
             == {"alice-1": "cancelled", "bob-1": "running"}, 30, "bob's turn")
    classroom.stop_training(connect, dl, "bob-1", Report())


def test_class_window_refreshes_in_the_background_and_shows_a_down_nano_in_red(
        qtbot, lab, closed_port, make_machine, sshd_pair, known_hosts):
    from class_view import DOWN_COLOUR, ClassWindow
    dl, nano, model, connect, _ = lab
    down = make_machine(sshd_pair[1], role="nano", name="nano9", port=closed_port)
    config = Config(dl_server=dl, nanos=(nano, down))
    window = ClassWindow(config, known_hosts=known_hosts)
    qtbot.addWidget(window)
    assert window.lbl_status.text() == "Reading the class…"   # __init__ did not wait
    qtbot.waitUntil(lambda: window.nanos.rowCount() == 2
                    and window.nanos.item(1, 2).text().startswith("down: nano9"), timeout=30_000)
    assert window.nanos.item(1, 0).background().color() == DOWN_COLOUR
    assert window.nanos.item(0, 2).text() == "free"
    assert window.nanos.item(0, 0).background().color() != DOWN_COLOUR
    window.close()


def test_class_text_prints_a_table_and_a_down_server_in_one_line(tmp_path, capsys,
                                                                 closed_port):
    import ai_nano
    config = tmp_path / "config.json"
    machine = {"ip": "127.0.0.1", "port": closed_port, "login": "x", "key_file": ""}
    config.write_text(json.dumps({"DL_server": dict(machine, name="dl"),
                                  "jetson_nano": [dict(machine, name="nano1")]}))
    assert ai_nano.main(["--class", "--text", "--config", str(config)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Trainings on dl:"
    assert out[1].startswith("  dl: DOWN: dl: 127.0.0.1:") and "refused" in out[1]
    assert any(line.startswith("  nano1") and "down: nano1" in line for line in out)


def test_a_queue_folder_that_is_not_writable_is_one_line(lab, test_user):
    """Bad input (issue 13, 7): the training says which folder, in one line."""
    from core import jobs
    from core.config import TrainingSettings
    dl, nano, model, connect, workdir = lab
    queue = workdir / "dl" / "queue"
    queue.mkdir(parents=True)          # root's, mode 755: the student's login cannot write
    queue.chmod(0o755)
    import os
    os.chown(queue.parent, test_user.uid, test_user.gid)
    log = Log()
    with pytest.raises(StepError) as caught:
        jobs.train_model(connect, dl, "alice-1", TrainingSettings(epochs=1, resolution=32),
                         log.report)
    message = str(caught.value)
    assert "\n" not in message and str(queue) in message, message
    assert "Traceback" not in "\n".join(log.lines)


def test_slurm_jobs_show_their_id_and_place_in_the_queue():
    """A Slurm DL server's jobs come through job.py status like local ones (its record)."""
    item = {"model": "fruits-1", "owner": ALICE, "epoch": 1, "epochs": 3,
            "job": {"state": "pending", "ahead": 2, "scheduler": "slurm",
                    "slurm_job_id": "42", "reason": "Resources"}}
    row = classroom._training(item)
    assert (row.state, row.ahead, row.slurm_job_id, row.epoch) == ("pending", 2, "42", "1/3")
    state = classroom.ClassState(dl_name="cluster", trainings=[row])
    line = classroom.format_text(state).splitlines()[2]
    assert line.split() == ["fruits-1", "alice", "on", "laptop-a", "pending", "(Slurm", "42)",
                            "2", "ahead", "1/3"]


def test_closing_another_window_leaves_the_running_inferences_leds_alone(lab):
    """The window's close switches its Nanos' LEDs off, but not under another student's
    running inference (today's bug: the second laptop's clean-up darkened the first's)."""
    from core import nano_steps
    dl, nano, model, connect, _ = lab
    first = Run(tasks.inference_task, connect, nano, model, owner=ALICE)
    wait_for(lambda: "LED pin 16 on" in first.log.lines, what="alice's red LED")
    closing = Log()
    with connect(nano) as conn:
        nano_steps.switch_off_leds(conn, closing.report)
    assert closing.lines[-1].startswith("nano3: LEDs left to the running inference of alice "
                                        "on laptop-a since")
    assert not any(line.startswith("LED pin") for line in closing.lines)
    first.log.stop.set()
    first.join(30)
    assert first.result == 0
    with connect(nano) as conn:      # free again: the clean-up runs
        nano_steps.switch_off_leds(conn, closing.report)
    assert not closing.lines[-1].startswith("nano3: LEDs left")


def test_a_nano_listed_twice_and_a_missing_dl_server_are_warnings(closed_port, known_hosts):
    from core.config import MachineConfig
    nanos = tuple(MachineConfig(name=name, role="nano", host="127.0.0.1", port=closed_port,
                                login="x", password="y") for name in ("nano1", "nano2"))
    state = classroom.gather(Config(dl_server=None, nanos=nanos),
                             lambda m: open_connection(m, known_hosts=known_hosts))
    assert state.warnings == [f"nano2 and nano1 are the same machine (x@127.0.0.1:{closed_port}) "
                              "in config.json", "no DL server in config.json"]
    assert [n.reachable for n in state.nanos] == [False, False]
    text = classroom.format_text(state)
    assert "  nano2 and nano1 are the same machine" in text
