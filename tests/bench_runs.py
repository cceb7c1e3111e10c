"""A bench script run as the bench smoke tests run it: it must end with status 0 and a last line
``RESULT key=value …``, whose keys (never the timings) the tests assert."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bench(name: str, *args: str) -> list[str]:
    """The command line of bench/``name``.py."""
    return [sys.executable, str(ROOT / "bench" / f"{name}.py"), *args]


@dataclass(frozen=True)
class BenchRun:
    stdout: str
    output: str  # stdout and stderr, for a failure's message
    values: dict[str, str]  # the RESULT line's, by key


def run_bench(command: list[str], timeout_s: float, env: dict[str, str] | None = None) -> BenchRun:
    """Run ``command`` in the repository; fail unless it ends with status 0 and a RESULT line."""
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=timeout_s, env=env, check=False
    )
    output = f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert done.returncode == 0, output
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("RESULT "), output
    values = dict(item.split("=", 1) for item in last.removeprefix("RESULT ").split())
    return BenchRun(done.stdout, output, values)
