"""The soak bench judges what the app allocated, not pages that other processes share or stop sharing."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from bench.soak import GUI, WORKERS, Sample, count_trend, private_heap, report

MIB = 2**20
MAP_AND_WAIT = """
import mmap, sys
with open(sys.argv[1], "rb") as f:
    pages = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
touched = sum(pages[i] for i in range(0, len(pages), mmap.PAGESIZE))
print("mapped", touched, flush=True)
sys.stdin.read()
"""


def mapper(path: Path) -> subprocess.Popen[str]:
    """A process that maps every page of ``path`` and holds them until its stdin closes."""
    process = subprocess.Popen(
        [sys.executable, "-c", MAP_AND_WAIT, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline().startswith("mapped")
    return process


def memory(process: subprocess.Popen[str]) -> tuple[float, float]:
    """(USS, heap) of a process, MiB."""
    observed = psutil.Process(process.pid)
    uss = observed.memory_full_info().uss
    return uss / MIB, private_heap(observed, uss) / MIB


def stop(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.close()
    process.wait(10)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="USS from /proc/PID/smaps: Linux")
def test_uss_steps_when_another_process_maps_the_same_file_and_the_heap_does_not(tmp_path: Path) -> None:
    # The GUI step (USS +43 MiB, RSS flat): library and font pages another program on the
    # machine also mapped became the wall's own when that program quit.
    library = tmp_path / "library.so"
    library.write_bytes(b"\x7f" * (48 * MIB))
    wall = mapper(library)
    try:
        alone_uss, alone_heap = memory(wall)
        other = mapper(library)
        try:
            shared_uss, shared_heap = memory(wall)
        finally:
            stop(other)
        again_uss, again_heap = memory(wall)
    finally:
        stop(wall)
    assert alone_uss - shared_uss > 40  # its pages counted as shared while the other held them
    assert again_uss - shared_uss > 40  # and as its own again once the other quit: the step
    assert max(alone_heap, shared_heap, again_heap) - min(alone_heap, shared_heap, again_heap) < 4


def soak_args() -> argparse.Namespace:
    return argparse.Namespace(warmup=600.0, limit_mib_per_shift=64.0, min_step_mib=4.0)


def soak_samples(gui_heap_per_h: float) -> list[Sample]:
    """The issue's 30-minute soak: GUI USS steps 105 → 148 MiB at 19 min, RSS flat, Qt's two
    pool threads (each with an eventfd) there or not depending on the last alert."""
    samples = []
    for i, t in enumerate(range(600, 1771, 30)):
        heap = 95.0 + gui_heap_per_h * (t - 600) / 3600 + (0.3 if i % 2 else -0.3)
        pool = 2 if i % 3 else 0
        samples.append(
            Sample(
                float(t),
                heap={GUI: heap, WORKERS: 350.0},
                uss={GUI: heap + (53.0 if t >= 1140 else 10.0), WORKERS: 386.0},
                rss={GUI: 208.0, WORKERS: 530.0},
                threads=139 + pool,
                fds=171 + pool,
                processes=4,
                cpu_s=t * 1.5,
            )
        )
    return samples


def result_of(output: str) -> dict[str, str]:
    last = output.strip().splitlines()[-1]
    assert last.startswith("RESULT ")
    return dict(item.split("=", 1) for item in last.removeprefix("RESULT ").split())


def test_a_uss_step_over_a_flat_heap_is_judged_flat_and_explained(capsys: pytest.CaptureFixture[str]) -> None:
    report(soak_samples(gui_heap_per_h=0.0), soak_args())
    output = capsys.readouterr().out
    result = result_of(output)
    assert result["verdict"] == "flat"
    assert float(result["uss_step_mib"]) == pytest.approx(43.0, abs=1.0)
    assert abs(float(result["uss_growth_mib_per_h"])) < 3  # not the 226.5 MiB/h of one line through it
    assert abs(float(result["gui_heap_growth_mib_per_h"])) < 3
    assert result["threads_delta"] == "0" and result["fds_delta"] == "0"
    assert "its USS moved while its heap did not" in output
    assert re.search(r"USS .*a step of \+4[23]\.\d MiB at 11[0-9]{2} s", output)


def test_a_climbing_heap_is_judged_growing(capsys: pytest.CaptureFixture[str]) -> None:
    report(soak_samples(gui_heap_per_h=20.0), soak_args())
    result = result_of(capsys.readouterr().out)
    assert result["verdict"] == "growing"
    assert float(result["gui_heap_growth_mib_per_h"]) == pytest.approx(20.0, abs=2.0)


def test_threads_that_keep_coming_are_growth_a_bounded_pool_or_a_passing_file_is_not() -> None:
    times = [600.0 + 30 * i for i in range(40)]
    pool = count_trend([(t, 139 + (2 if i % 3 else 0)) for i, t in enumerate(times)])
    assert pool.delta == 0 and not pool.growing
    assert pool.ranges == ((139, 141), (139, 141))
    passing = [171 + (2 if i % 3 else 0) for i in range(40)]
    passing[35] = 174  # the 2-hour soak's last third: one file open for a moment
    assert not count_trend(list(zip(times, passing, strict=True))).growing
    leak = count_trend([(t, 139 + i // 4) for i, t in enumerate(times)])  # one more every 2 minutes
    assert leak.growing and leak.delta == pytest.approx(10, abs=1)
