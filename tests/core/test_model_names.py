"""Two laptops never share a model (issue 13): the model folder is reserved atomically."""
from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

from core import pipeline
from core.machines import open_connection


def reserve_all(machine, known_hosts, count: int, root: Path) -> list[str]:
    """`count` laptops with the same login and working-space name, reserving at once."""
    names: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def laptop() -> None:
        try:
            with open_connection(machine, known_hosts=known_hosts) as conn:
                start.wait(30)
                names.append(pipeline.reserve_model_name(conn, root))
        except BaseException as error:  # reported below, with the others
            errors.append(error)

    threads = [threading.Thread(target=laptop) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return names


def test_laptops_reserving_in_the_same_second_get_distinct_folders(sshd_server, make_machine,
                                                                   known_hosts, tmp_path,
                                                                   monkeypatch):
    # Every laptop sees the same clock second, as in a class pressing Upload together.
    frozen = datetime(2026, 12, 3, 6, 46, 35)
    real = pipeline.suggest_model_name
    monkeypatch.setattr(pipeline, "suggest_model_name",
                        lambda root, existing=(): real(root, now=frozen, existing=existing))
    machine = make_machine(sshd_server)
    names = reserve_all(machine, known_hosts, 8, tmp_path / "fruits")
    assert len(names) == 8 and len(set(names)) == 8, names
    assert "fruits-20261203-064635" in names
    with open_connection(machine, known_hosts=known_hosts) as conn:
        on_server = conn.listdir(conn.workdir() + "/models")
    assert sorted(on_server) == sorted(names)


def test_a_folder_that_exists_is_not_reserved_twice(local_machine, tmp_path):
    with open_connection(local_machine("dl")) as conn:
        target = conn.workdir() + "/models/x"
        assert conn.reserve_dir(target) is True
        assert conn.reserve_dir(target) is False
