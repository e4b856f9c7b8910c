"""Kit-build worker processes: sized to the CPUs this process may use, gone with their parent, and a script
without the main guard fails at once instead of hanging."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _python_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def _kill_all(processes) -> None:
    for process in processes:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass


# ----------------------------------------------------------------------------------------------------------------
# usable CPUs


def _cgroup(tmp_path: Path, files: dict) -> Path:
    for relative, text in files.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_usable_cpus_follows_the_cgroup_v2_quota(tmp_path, monkeypatch):
    from cbrec_lab.datasets.workers import usable_cpus

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    assert usable_cpus(_cgroup(tmp_path / "a", {"cpu.max": "100000 100000\n"})) == 1
    assert usable_cpus(_cgroup(tmp_path / "b", {"cpu.max": "150000 100000\n"})) == 2  # 1.5 CPUs: rounded up
    assert usable_cpus(_cgroup(tmp_path / "c", {"cpu.max": "max 100000\n"})) == 64  # no quota


def test_usable_cpus_follows_the_cgroup_v1_quota(tmp_path, monkeypatch):
    from cbrec_lab.datasets.workers import usable_cpus

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    v1 = {"cpu/cpu.cfs_quota_us": "300000\n", "cpu/cpu.cfs_period_us": "100000\n"}
    assert usable_cpus(_cgroup(tmp_path / "a", v1)) == 3
    unlimited = {"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}
    assert usable_cpus(_cgroup(tmp_path / "b", unlimited)) == 64


def test_usable_cpus_respects_the_affinity_mask_and_unreadable_files(tmp_path, monkeypatch):
    from cbrec_lab.datasets.workers import usable_cpus

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 5}, raising=False)
    assert usable_cpus(tmp_path / "no-cgroup-here") == 2
    assert usable_cpus(_cgroup(tmp_path / "a", {"cpu.max": "800000 100000\n"})) == 2  # quota above the mask
    assert usable_cpus(_cgroup(tmp_path / "b", {"cpu.max": "garbage\n"})) == 2


def test_worker_pool_sizes_itself_from_the_usable_cpus(monkeypatch):
    from cbrec_lab.datasets import workers

    monkeypatch.setattr(workers, "usable_cpus", lambda: 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 96)
    with workers.worker_pool() as pool:
        assert pool._max_workers == 1


# ----------------------------------------------------------------------------------------------------------------
# workers die with their parent

PARENT = """
import sys, time
from cbrec_lab.datasets.kit_files import worker_pool

def slow(seconds):
    time.sleep(seconds)

if __name__ == "__main__":
    pool = worker_pool(2)
    futures = [pool.submit(slow, 300) for _ in range(2)]
    print("submitted", flush=True)
    time.sleep(300)
"""


def test_workers_and_resource_tracker_die_with_a_killed_parent(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=_python_env())
    children = []
    try:
        assert parent.stdout.readline().strip() == "submitted"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            children = psutil.Process(parent.pid).children(recursive=True)
            workers = [c for c in children if "resource_tracker" not in " ".join(c.cmdline())]
            if len(workers) >= 2:
                break
            time.sleep(0.2)
        trackers = [c for c in children if "resource_tracker" in " ".join(c.cmdline())]
        assert len(workers) == 2, f"expected two workers, found {children}"
        assert len(trackers) == 1, f"expected one resource tracker, found {children}"
        time.sleep(3)  # let the workers finish starting (and start their task)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        gone, alive = psutil.wait_procs(children, timeout=10)
        assert not alive, f"still running 10 s after their parent was killed: {alive}"
    finally:
        parent.kill()
        parent.wait()
        _kill_all(children)


def test_a_worker_that_dies_mid_build_gives_a_clear_error():
    from cbrec_lab.datasets.workers import worker_pool
    from cbrec_lab.exceptions import CbrecError

    with pytest.raises(CbrecError, match=r"worker process of the kit build ended abruptly.*again.*workers=1"):
        with worker_pool(1) as pool:
            pool.submit(os._exit, 9).result(timeout=120)


# ----------------------------------------------------------------------------------------------------------------
# a script without the main guard

UNGUARDED = """
import sys
from pathlib import Path
from cbrec_lab.datasets.art_kit import build_art_kit

build_art_kit("ci", root=Path(sys.argv[1]), workers=1, progress=False)
print("built")
"""


def test_a_script_without_the_main_guard_fails_at_once_with_the_fix(tmp_path):
    script = tmp_path / "unguarded.py"
    script.write_text(UNGUARDED)
    process = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "kits")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_python_env(),
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail('a kit build in a script without `if __name__ == "__main__":` hung for 90 s')
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert process.returncode != 0
    assert "built" not in out
    last = err.strip().splitlines()[-1]
    assert last.startswith("cbrec_lab.exceptions.CbrecError"), err[-3000:]
    assert 'if __name__ == "__main__":' in last and "unguarded.py" in last, last
