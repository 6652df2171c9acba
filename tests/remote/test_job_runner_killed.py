"""Issue 13, part 4: a job whose runner dies (kill -9, the OOM killer) while its command goes
on is reported by what the command achieved; a command killed by SIGKILL is named as a
possible out-of-memory. job.py runs for real as a subprocess, as on the DL server; the
training case runs the real train.py."""
from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

from tests.media import make_split_dataset
from tests.remote.test_job import events, human_lines, job_py, status, wait_for

BODY = """
import os, sys, time
gate, text, code = sys.argv[1], sys.argv[2], int(sys.argv[3])
while not os.path.exists(gate):
    time.sleep(0.05)
print(text, flush=True)
if code == -9:
    os.kill(os.getpid(), 9)
sys.exit(code)
"""


def start(tmp_path: Path, command: list[str]) -> Path:
    job_dir = tmp_path / "job"
    result = job_py("start", "--job-dir", str(job_dir), "--", *command, cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    return job_dir


def kill_runner(job_dir: Path) -> None:
    pid = json.loads((job_dir / "state.json").read_text())["runner_pid"]
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not Path(f"/proc/{pid}").exists()
             or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2], what="runner gone")


def body(gate: Path, text: str, code: int) -> list[str]:
    return [sys.executable, "-c", BODY, str(gate), text, str(code)]


def test_a_command_that_finished_after_its_runner_died_is_finished(tmp_path):
    gate = tmp_path / "gate"
    job_dir = start(tmp_path, body(gate, '@ai_nano {"event": "end", "best_val_acc": 0.9}', 0))
    wait_for(lambda: status(job_dir)["state"] == "running", what="running")
    kill_runner(job_dir)
    assert status(job_dir)["state"] == "running"   # the command still holds the job's lock
    gate.touch()
    wait_for(lambda: status(job_dir)["state"] != "running", what="the command's end")
    record = status(job_dir)
    assert (record["state"], record["exit_code"]) == ("finished", 0)
    assert record["reason"].startswith("the job runner was killed (kill -9, or the system ran "
                                       "out of memory), after the command had finished")
    follow = job_py("follow", "--job-dir", str(job_dir), cwd=tmp_path)
    assert follow.returncode == 0
    assert not any(line.startswith("error:") for line in human_lines(follow.stdout))
    assert events(follow.stdout)[-1]["state"] == "finished"


def test_a_command_that_failed_after_its_runner_died_gives_its_own_reason(tmp_path):
    gate = tmp_path / "gate"
    job_dir = start(tmp_path, body(gate, "error: CUDA out of memory at epoch 3", 1))
    wait_for(lambda: status(job_dir)["state"] == "running", what="running")
    kill_runner(job_dir)
    gate.touch()
    wait_for(lambda: status(job_dir)["state"] != "running", what="the command's end")
    assert (status(job_dir)["state"], status(job_dir)["reason"]) == (
        "failed", "CUDA out of memory at epoch 3")


def test_a_command_killed_by_sigkill_may_have_run_out_of_memory(tmp_path):
    gate = tmp_path / "gate"
    gate.touch()
    job_dir = start(tmp_path, body(gate, "epoch 1/3", -9))
    follow = job_py("follow", "--job-dir", str(job_dir), cwd=tmp_path)
    assert follow.returncode != 0
    assert human_lines(follow.stdout)[-1] == (
        "error: job failed: killed by SIGKILL: it may have run out of memory (the system's "
        "out-of-memory killer sends SIGKILL); try a smaller --batch-size or resolution")


def test_train_py_that_outlives_its_runner_is_reported_finished(tmp_path):
    data = make_split_dataset(tmp_path / "models" / "m", counts=(12, 4, 4), size=(48, 36))
    train = [sys.executable, str(Path(__file__).resolve().parents[2] / "dl_scripts" / "train.py"),
             f"--model-dir={data / 'model'}", str(data), "--epochs=2", "--batch-size=8",
             "--resolution=32", "--no-pretrained", "--patience=0"]
    job_dir = start(tmp_path, train)
    wait_for(lambda: status(job_dir)["state"] == "running", what="running")
    kill_runner(job_dir)
    wait_for(lambda: status(job_dir)["state"] != "running", timeout=300, what="train.py's end")
    record = status(job_dir)
    assert record["state"] == "finished", record
    assert (data / "model" / "metrics.jsonl").read_text().count("\n") == 2
