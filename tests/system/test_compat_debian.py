"""The oldest Pythons the README claims, and Debian 12's own /usr/bin/python3 (3.11.2).

Why: a DL server installed as labs do (Debian 12, a venv from the system's Python 3.11.2)
has a `tarfile` without `filter=`; the suite's own Python is newer, so unpack.py's fallback
is run here under the real Debian interpreter. The static check (vermin) holds the app and
dl_scripts to the minimum the README states (torch >= 2.5 needs Python >= 3.9).
"""
from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.remote.test_nano_py36 import VERMIN, annotation_unions
from tests.paths import REPO

ROOT = REPO
UNPACK = ROOT / "dl_scripts" / "unpack.py"
DEBIAN_PYTHON = "/usr/bin/python3"
MINIMUM = "3.9"  # README: "Python >= 3.9" for the laptop and the DL server


@pytest.fixture(scope="module")
def debian_python() -> str:
    """Debian's interpreter, and proof that it lacks the extraction filters."""
    probe = subprocess.run([DEBIAN_PYTHON, "-c", "import sys, tarfile; print(sys.version_info"
                            "[:3], hasattr(tarfile, 'data_filter'))"],
                           capture_output=True, text=True, timeout=30)
    assert probe.returncode == 0, f"{DEBIAN_PYTHON} is missing: apt-get install python3"
    version, has_filter = probe.stdout.rsplit(" ", 1)
    if has_filter.strip() == "True":  # a Debian point release with the backport
        pytest.fail(f"{DEBIAN_PYTHON} {version} has tarfile filters: this test no longer "
                    "covers the fallback; run it under a Python 3.11.0-3.11.3")
    return DEBIAN_PYTHON


def _member(name: str, data: bytes = b"", kind: bytes = tarfile.REGTYPE,
            mode: int = 0o644, link: str = "") -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.linkname = kind, mode, link
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    return info, data


def make_archive(path: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> tuple[str, int]:
    with tarfile.open(path, "w") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if info.isfile() else None)
    data = path.read_bytes()
    return hashlib.sha256(data).hexdigest(), len(data)


def run_unpack(python: str, archive: Path, dest: Path, sha: str,
               size: int) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-B", str(UNPACK), str(archive), str(dest), "--sha256", sha,
                           "--size", str(size)], capture_output=True, text=True, timeout=60)


GOOD = [_member("labels.txt", b"red\nblue\n"), _member("train", kind=tarfile.DIRTYPE),
        _member("train/red", kind=tarfile.DIRTYPE),
        _member("train/red/00001.jpg", b"\xff\xd8jpeg" * 100),
        _member("val/blue/00002.jpg", b"blue", mode=0o4755)]  # no folder member before it


def test_unpack_works_on_debian_python(debian_python: str, tmp_path: Path) -> None:
    dest = tmp_path / "models" / "m"
    (dest / "train" / "old").mkdir(parents=True)  # an earlier upload: replaced as a whole
    archive = tmp_path / "data.tar"
    sha, size = make_archive(archive, GOOD)
    result = run_unpack(debian_python, archive, dest, sha, size)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"Unpacked 3 files into {dest}"
    assert (dest / "labels.txt").read_bytes() == b"red\nblue\n"
    assert (dest / "train" / "red" / "00001.jpg").read_bytes() == b"\xff\xd8jpeg" * 100
    assert (dest / "val" / "blue" / "00002.jpg").read_bytes() == b"blue"
    assert (dest / "val" / "blue" / "00002.jpg").stat().st_mode & 0o7777 == 0o755  # no setuid
    assert not (dest / "train" / "old").exists()
    assert not archive.exists() and not (dest / ".unpack-tmp").exists()


HOSTILE = {
    "absolute": [_member("/tmp/evil.txt", b"x")],
    "dotdot": [_member("train/../../evil.txt", b"x")],
    "symlink": [_member("train/link", kind=tarfile.SYMTYPE, link="/etc")],
    "hardlink": [_member("train/hard", kind=tarfile.LNKTYPE, link="/etc/passwd")],
    "device": [_member("train/dev", kind=tarfile.CHRTYPE)],
    "fifo": [_member("train/fifo", kind=tarfile.FIFOTYPE)],
    "not a dataset": [_member("job.py", b"print('planted')")],
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_unpack_refuses_hostile_members_on_debian_python(case: str, debian_python: str,
                                                         tmp_path: Path) -> None:
    """Refused in one line, nothing extracted, the archive gone (a retry uploads anew)."""
    dest = tmp_path / "models" / "m"
    dest.mkdir(parents=True)
    archive = tmp_path / "data.tar"
    sha, size = make_archive(archive, GOOD[:1] + HOSTILE[case])
    result = run_unpack(debian_python, archive, dest, sha, size)
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: archive "
                                                                              "member"), lines
    assert "Traceback" not in result.stderr
    assert list(dest.iterdir()) == [], "something was extracted"
    assert not archive.exists(), "the refused archive stays behind on every retry"


def test_a_truncated_archive_is_not_left_behind(debian_python: str, tmp_path: Path) -> None:
    dest = tmp_path / "m"
    archive = tmp_path / "data.tar"
    sha, size = make_archive(archive, GOOD)
    archive.write_bytes(archive.read_bytes()[: size // 2])
    result = run_unpack(debian_python, archive, dest, sha, size)
    assert result.returncode == 2 and "incomplete" in result.stdout
    assert not archive.exists()


def test_the_fallback_is_the_path_taken_on_debian(debian_python: str) -> None:
    """Not vacuous: Debian's Python goes through extract()'s own checks, this one may not."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import unpack; "
            "print(unpack.has_extraction_filters())")
    result = subprocess.run([debian_python, "-B", "-c", code, str(UNPACK.parent)],
                            capture_output=True, text=True, timeout=30)
    assert result.stdout.strip() == "False", result.stderr


# --------------------------------------------------------------- static check of the minimum

def vermin_report(files: list[Path]) -> str:
    """vermin's violations of the claimed minimum, empty when there are none.

    Every module has `from __future__ import annotations` (checked below), so annotations
    are never evaluated and only the code itself counts.
    """
    result = subprocess.run([*VERMIN, f"-t={MINIMUM}-", "--violations", "--no-tips",
                             "--feature", "fstring-self-doc", "--pessimistic", "-p=1",
                             *map(str, files)], capture_output=True, text=True, timeout=300)
    return "" if result.returncode == 0 else result.stdout + result.stderr


def app_and_dl_files() -> list[Path]:
    files = [p for p in sorted(ROOT.glob("*.py")) + sorted((ROOT / "core").glob("*.py"))
             + sorted((ROOT / "dl_scripts").glob("*.py"))]
    assert len(files) > 20
    return files


def test_app_and_dl_scripts_run_on_the_claimed_minimum() -> None:
    report = vermin_report(app_and_dl_files())
    assert not report, report


def test_annotations_are_never_evaluated() -> None:
    """Without the future import, `X | None` in an annotation fails on 3.9 at import."""
    missing = [str(p.relative_to(ROOT)) for p in app_and_dl_files()
               if p.stat().st_size and "from __future__ import annotations" not in p.read_text()
               and annotation_unions(p)]
    assert not missing, f"add `from __future__ import annotations` to {missing}"


def test_the_static_check_catches_a_newer_feature(tmp_path: Path) -> None:
    newer = tmp_path / "newer.py"
    newer.write_text("import sys\nmatch sys.argv:\n    case _:\n        pass\n")
    report = vermin_report([newer])
    assert "pattern matching" in report and "newer.py" in report, report


def test_readme_claims_the_same_minimum() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"Python ≥ {MINIMUM}" in readme
    assert not [claim for claim in ("Python ≥ 3.8", "Python ≥ 3.10") if claim in readme]
    assert sys.version_info >= (3, 9)


def test_machine_check_names_a_dl_server_python_too_old(local_machine) -> None:
    """A DL server whose python is 3.8 is red before any step fails on it."""
    from core import checks
    python38 = "/root/.pyenv/versions/3.8.18/bin/python3"
    if not Path(python38).exists():
        pytest.skip(f"no Python 3.8 here ({python38})")
    row = checks.check_machine(local_machine("dl", python=python38))
    python = row.result("python")
    assert python.state == checks.FAIL and python.text.startswith("Python 3.8.")
    assert python.detail == f"{python38}: Python 3.9 or newer is needed"
    nano = checks.check_machine(local_machine("nano", python=python38,
                                                     camera="rtsp://camera"))
    assert nano.result("python").state == checks.OK  # a Nano's 3.6+ is enough
