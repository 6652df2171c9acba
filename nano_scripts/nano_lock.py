#!/usr/bin/env python3
"""One student per Nano: an exclusive flock held by the running inference.

Why a flock: the kernel releases it when its holder dies (crash, kill -9, power cut of
the SSH session), so a crashed inference never blocks the Nano, and no daemon is needed.
Beside the lock, a small JSON file says who holds it (login, laptop, since, model, pid),
so a second student is told who is using the board and may take it over.

    python3 nano_lock.py status --lock FILE          # one JSON line: held, holder
    python3 nano_lock.py stop --lock FILE [--by JSON] # end the holder's inference

my-imagenet.py calls `guarded(run, argv)`, which takes the lock (options --lock, --owner,
--take-over) around the classification. Python 3.6 compatible, standard library only.
"""
import argparse
import errno
import fcntl
import json
import logging
import os
import signal
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from nano_common import ArgumentParser, error_line, record, write_line  # noqa: E402

log = logging.getLogger(__name__)

TAKE_OVER_WAIT_S = 10.0   # the holder needs about a second to switch its LEDs off and exit


def holder_path(lock: str) -> str:
    return lock + ".json"


def reason_path(lock: str) -> str:
    """Written by whoever stops the holder: the holder reads it to say who did."""
    return lock + ".stopped"


def _read_json(path: str) -> Dict[str, Any]:
    try:
        with open(path) as handle:
            data = json.load(handle)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_json(path: str, data: Dict[str, Any]) -> None:
    tmp = "%s.%d.part" % (path, os.getpid())
    with open(tmp, "w") as handle:
        json.dump(data, handle)
    os.replace(tmp, path)


def _try_flock(fd: int, shared: bool = False) -> bool:
    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        return True
    except OSError as error:
        if error.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return False
        raise


def is_held(lock: str) -> bool:
    """True while a live process holds the lock (never creates the file)."""
    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError:
        return False
    try:
        return not _try_flock(fd, shared=True)
    finally:
        os.close(fd)


def status(lock: str) -> Dict[str, Any]:
    held = is_held(lock)
    return {"held": held, "holder": _read_json(holder_path(lock)) if held else {}}


def describe(holder: Dict[str, Any]) -> str:
    """'alice on laptop-3 since 10:42 (model fruits-20261203-104200)'."""
    since = holder.get("since")
    when = time.strftime("%H:%M", time.localtime(since)) if isinstance(since, (int, float)) \
        else "?"
    return "%s on %s since %s (model %s)" % (holder.get("login") or "?",
                                             holder.get("laptop") or "?", when,
                                             holder.get("model") or "?")


class Busy(Exception):
    def __init__(self, holder: Dict[str, Any]) -> None:
        super().__init__("in use by " + describe(holder))
        self.holder = holder


def stop_holder(lock: str, by: Dict[str, Any], wait_s: float = TAKE_OVER_WAIT_S) -> bool:
    """SIGTERM the holder (it switches its LEDs off and exits); True once the lock is free."""
    holder = _read_json(holder_path(lock))
    pid = holder.get("pid")
    if not is_held(lock):
        return True
    _write_json(reason_path(lock), dict(by, victim_pid=pid, at=time.time()))
    if isinstance(pid, int) and pid > 1:
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError as error:
            log.warning("cannot signal %s: %s", pid, error)
    deadline = time.monotonic() + wait_s
    while is_held(lock) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not is_held(lock)


def acquire(lock: str, owner: Dict[str, Any], take_over: bool = False) -> int:
    """The lock's fd, held; Busy when another process holds it (and take_over is False)."""
    folder = os.path.dirname(os.path.abspath(lock))
    if not os.path.isdir(folder):
        os.makedirs(folder)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    if not _try_flock(fd):
        holder = _read_json(holder_path(lock))
        if not take_over:
            os.close(fd)
            raise Busy(holder)
        stop_holder(lock, owner)
        deadline = time.monotonic() + 2.0
        while not _try_flock(fd):
            if time.monotonic() > deadline:
                os.close(fd)
                raise Busy(_read_json(holder_path(lock)))
            time.sleep(0.05)
    _write_json(holder_path(lock), dict(owner, pid=os.getpid(), since=time.time()))
    return fd


def release(lock: str, fd: int) -> Optional[Dict[str, Any]]:
    """Give the lock back; who stopped us, if someone did (their reason file)."""
    reason = _read_json(reason_path(lock))
    mine = reason.get("victim_pid") == os.getpid()
    if mine:
        try:
            os.remove(reason_path(lock))
        except OSError:
            pass
    if _read_json(holder_path(lock)).get("pid") == os.getpid():
        try:
            os.remove(holder_path(lock))
        except OSError:
            pass
    os.close(fd)
    return reason if mine else None


def _split_options(argv: Sequence[str]) -> Tuple[argparse.Namespace, List[str]]:
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--lock", default="")
    parser.add_argument("--owner", default="{}")
    parser.add_argument("--take-over", action="store_true")
    return parser.parse_known_args(list(argv[1:]))


def guarded(run: Callable[[List[str]], int], argv: Sequence[str]) -> int:
    """run(argv) while holding the Nano's lock (when --lock is given)."""
    options, rest = _split_options(argv)
    if not options.lock:
        return run([argv[0]] + rest)
    try:
        owner = json.loads(options.owner)
        if not isinstance(owner, dict):
            raise ValueError("not an object")
    except ValueError as error:
        error_line("--owner is not a JSON object: %s" % error)
        return 2
    try:
        fd = acquire(options.lock, owner, options.take_over)
    except Busy as busy:
        record("nano_busy", holder=busy.holder)
        error_line(str(busy))
        return 3
    except OSError as error:
        error_line("cannot use the lock file %s: %s" % (options.lock, error.strerror or error))
        return 1
    try:
        code = run([argv[0]] + rest)
    finally:
        stopper = release(options.lock, fd)
    if stopper is not None:
        record("taken_over", by=stopper)
        write_line("stopped: taken over by %s on %s" % (stopper.get("login") or "?",
                                                       stopper.get("laptop") or "?"))
    return code


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = ArgumentParser(prog="nano_lock.py", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("status", "stop"))
    parser.add_argument("--lock", required=True)
    parser.add_argument("--by", default='{"login": "the instructor", "laptop": "?"}')
    args = parser.parse_args(argv)
    if args.action == "status":
        write_line(json.dumps(status(args.lock)))
        return 0
    try:
        by = json.loads(args.by)
    except ValueError:
        by = {"login": args.by}
    if not stop_holder(args.lock, by if isinstance(by, dict) else {"login": str(by)}):
        error_line("the inference holding %s did not stop" % args.lock)
        return 1
    write_line(json.dumps({"held": False}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
