"""Site file bench: how long a large camera inventory takes to check, load and edit.

    .venv/bin/python bench/site_load.py [--cameras 10000] [--seconds 30]

Writes a site of ``--cameras`` cameras as an inventory import makes it (groups, grid codes,
locations, main and sub streams, credentials; one in ten with a PTZ block and a patrol) to a
temporary folder, then, taking turns until ``--seconds`` have passed (at least once each):

1. ``load``: :func:`camera_config.loader.load_site` (read, parse, validate, secrets resolved);
2. ``check``: ``citywall config check FILE`` as a user runs it, a process of its own (start-up
   and the printed summary included);
3. ``add``: the site writer adding one camera (open and validate, edit, validate, back up,
   write atomically): what the discovery dialog does on "Add cameras".

Medians of wall time and of CPU time are printed (CPU is what the work costs; wall time on a busy
machine also counts waiting for a core). The parser is libyaml's when PyYAML has it (``yaml.CSafeLoader``).
The last line is ``RESULT load_s=… load_cpu_s=… check_s=… add_s=… cameras=…``. It is a
measurement: it exits 0 whatever the times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from camera_config.loader import load_site  # noqa: E402
from camera_config.models import Camera, Credentials, OnvifSource  # noqa: E402
from camera_config.site_writer import SiteDocument  # noqa: E402

PASSWORD_ENV = "BENCH_CAM_PASSWORD"


def inventory_site(cameras: int) -> str:
    """A site file of ``cameras`` cameras in 20 groups, written as people (and the writer) do."""
    lines = ["# bench/site_load.py", "version: 1", "site:", "  name: 大型点位清单", "groups:"]
    for group in range(20):
        lines += [f"  - id: g{group:03d}", f"    name: 街道{group}"]
    lines.append("cameras:")
    for index in range(cameras):
        host = f"10.{index // 62500}.{index // 250 % 250}.{index % 250 + 1}"
        lines += [
            f"  - id: cam{index:05d}",
            f"    name: 点位{index} 路口",
            f"    group: g{index % 20:03d}",
            f'    grid_code: "{330105000000000 + index}"',
            f"    location: {{lon: {120 + index % 1000 / 10000:.4f}, lat: {30 + index // 1000 / 1000:.4f}}}",
            "    source:",
            "      kind: rtsp",
            f"      main: rtsp://{host}:554/Streaming/Channels/101",
            f"      sub: rtsp://{host}:554/Streaming/Channels/102",
            "    credentials:",
            "      username: admin",
            f"      password_env: {PASSWORD_ENV}",
            "    tags: [路口, 游商]",
        ]
        if index % 10 == 0:
            lines += [
                "    ptz:",
                f"      endpoint: http://{host}/onvif/device_service",
                "      patrol:",
                "        steps:",
                '          - {preset: "1", dwell_s: 60}',
                '          - {preset: "2", dwell_s: 30}',
            ]
    return "\n".join(lines) + "\n"


def timed(action: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def check_process(path: Path) -> tuple[float, float]:
    env = {**os.environ, PASSWORD_ENV: "bench", "PYTHONPATH": str(ROOT)}
    before = os.times()
    wall = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "app", "config", "check", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - wall
    after = os.times()
    if done.returncode != 0:
        raise SystemExit(f"config check failed:\n{done.stderr[-2000:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu


def add_one(path: Path, number: int) -> None:
    document = SiteDocument.open(path)
    document.add_cameras(
        [
            Camera(
                id=f"new{number:05d}",
                name=f"新点位{number}",
                source=OnvifSource(endpoint=f"http://10.250.0.{number % 250 + 1}/onvif/device_service"),
                credentials=Credentials(username="admin", password_env=PASSWORD_ENV),
            )
        ]
    )
    document.save()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--cameras", type=int, default=10_000, help="cameras in the site (default 10000)")
    ap.add_argument("--seconds", type=float, default=30.0, help="keep measuring this long (default 30)")
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="citywall-site-bench-") as folder:
        path = Path(folder) / "site.yaml"
        path.write_text(inventory_site(args.cameras), encoding="utf-8")
        size_mib = path.stat().st_size / 2**20
        print(f"site: {args.cameras} cameras, {size_mib:.1f} MiB; libyaml: {hasattr(yaml, 'CSafeLoader')}")
        env = {PASSWORD_ENV: "bench"}
        loads: list[tuple[float, float]] = []
        checks: list[tuple[float, float]] = []
        adds: list[tuple[float, float]] = []
        end = time.perf_counter() + args.seconds
        round_number = 0
        while not loads or time.perf_counter() < end:
            loads.append(timed(lambda: load_site(path, env)))
            checks.append(check_process(path))
            adds.append(timed(lambda n=round_number: add_one(path, n)))  # type: ignore[misc]
            round_number += 1
            print(
                f"round {round_number}: load {loads[-1][0]:.2f} s (cpu {loads[-1][1]:.2f}), "
                f"check {checks[-1][0]:.2f} s (cpu {checks[-1][1]:.2f}), add {adds[-1][0]:.2f} s "
                f"(cpu {adds[-1][1]:.2f})",
                flush=True,
            )
        site = load_site(path, env)
        assert len(site.cameras) == args.cameras + round_number  # every add was written

    def median(values: list[tuple[float, float]], part: int) -> float:
        return statistics.median(v[part] for v in values)

    print(
        f"RESULT load_s={median(loads, 0):.2f} load_cpu_s={median(loads, 1):.2f} "
        f"check_s={median(checks, 0):.2f} check_cpu_s={median(checks, 1):.2f} "
        f"add_s={median(adds, 0):.2f} add_cpu_s={median(adds, 1):.2f} cameras={args.cameras}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
