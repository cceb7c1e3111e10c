"""bench/model_hotswap.py runs end to end (two swaps); its timings are never asserted."""

from __future__ import annotations

import pytest

from tests.bench_runs import bench, run_bench


@pytest.mark.slow
def test_model_hotswap_bench_runs_and_ends_with_result_line() -> None:
    ran = run_bench(bench("model_hotswap", "--seconds", "4", "--every", "2", "--poll", "0.25"), 300)
    assert set(ran.values) == {
        "used_median_s", "used_max_s", "told_median_s", "load_median_s", "swaps", "swaps_used", "gap_max_s"
    }  # fmt: skip
    assert ran.values["swaps"] == "2" and "swap 2: told" in ran.stdout
