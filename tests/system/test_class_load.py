"""Issue 13, part 2, the suite's size: 6 laptops, 3 Nanos (two students per Nano), one DL
server whose sshd keeps Debian's default MaxStartups/MaxSessions. The full class (30
laptops, 15 Nanos) is bench/bench_class.py. See tests/class_load.py for the scenario."""
from __future__ import annotations

from tests.class_load import check_class, run_class


def test_a_small_class_at_once_against_default_sshd_limits(sshd_factory, test_user, tmp_path):
    run = run_class(sshd_factory, test_user, tmp_path, laptops=6, nanos=3, inference_s=10.0)
    print(run.summary())
    assert check_class(run) == []
    assert run.job_states and all(s.get("state") == "finished" for s in run.job_states.values())
    assert all(lap.results > 0 for lap in run.laptops)
