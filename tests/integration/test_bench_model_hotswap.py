"""bench/model_hotswap.py runs end to end (two swaps); its timings are never asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_model_hotswap_bench_runs_and_ends_with_result_line() -> None:
    command = [sys.executable, str(ROOT / "bench" / "model_hotswap.py")]
    command += ["--seconds", "4", "--every", "2", "--poll", "0.25"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    output = f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert done.returncode == 0, output
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("RESULT "), output
    values = dict(item.split("=", 1) for item in last.removeprefix("RESULT ").split())
    assert set(values) == {
        "used_median_s", "used_max_s", "told_median_s", "load_median_s", "swaps", "swaps_used", "gap_max_s"
    }  # fmt: skip
    assert values["swaps"] == "2" and "swap 2: told" in done.stdout
