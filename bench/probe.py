"""Probe bench: how long sweeping a /24 by hand takes, and how fast Stop ends it.

    .venv/bin/python bench/probe.py [--seconds 20] [--cameras 8] [--silent 8] [--timeout 2.5]

Loopback has 127.0.0.0/8 to itself, so a whole /24 (127.0.9.1-254) is a real sweep: ``--cameras``
demo ONVIF cameras (:class:`PtzCameraSimulator`) and ``--silent`` devices that accept and never
answer (a hung camera: each costs the probe's ``--timeout``) on one port, the other addresses
refusing it; every address is asked on that port and four more closed ones (the usual five). The
sweep repeats for ``--seconds``; then one more sweep is stopped once every camera is found (the
silent devices still being asked, for 30 s each) and the time until the probe returns is taken.

Loopback refuses a closed port at once; on a LAN a silent address costs the connect timeout (1 s)
instead, with 128 connects at a time: a /24 of five ports, all silent, adds about 10 s.

The last line is ``RESULT sweep_s=… addresses_per_s=… found=… cancel_s=…`` (medians of the
sweeps). A measurement: it exits 0 whatever the numbers.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import threading
import time

from app.adapters.onvif.discovery import DiscoveredDevice
from app.adapters.onvif.probe import probe_addresses
from app.adapters.onvif.targets import parse_targets
from app.demo.ptz_camera import PtzCameraSimulator
from app.demo.rtsp_server import free_port

PASSWORD = "bench-probe"
SUBNET = "127.0.9.0/24"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--cameras", type=int, default=8)
    parser.add_argument("--silent", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=2.5, help="ONVIF answer timeout of the probe")
    args = parser.parse_args(argv)

    port = free_port()
    closed = [free_port() for _ in range(4)]
    cameras = [
        PtzCameraSimulator(f"cam{n}", password=PASSWORD, host=f"127.0.9.{10 + n * 7}", port=port).start()
        for n in range(args.cameras)
    ]
    # Listening, never accepting: the kernel takes the connection, nobody ever answers.
    silent = [socket.create_server((f"127.0.9.{200 + n}", port), backlog=64) for n in range(args.silent)]
    targets = parse_targets(SUBNET)
    ports = (port, *closed)
    sweeps: list[float] = []
    found: list[int] = []
    try:
        end = time.monotonic() + args.seconds
        while not sweeps or time.monotonic() < end:
            start = time.monotonic()
            result = probe_addresses(
                targets, ports=ports, username="admin", password=PASSWORD, timeout_s=args.timeout
            )
            sweeps.append(time.monotonic() - start)
            found.append(len(result.devices))
            print(f"sweep {len(sweeps)}: {sweeps[-1]:.2f} s, {found[-1]} camera(s), {result.silent} silent")
        cancel = threading.Event()
        stopped_at: list[float] = []

        def progress(_fraction: float, devices: tuple[DiscoveredDevice, ...]) -> None:
            if len(devices) >= args.cameras and not cancel.is_set():  # the silent ones still asked
                stopped_at.append(time.monotonic())
                cancel.set()

        probe_addresses(targets, ports=ports, timeout_s=30.0, progress=progress, cancel=cancel)
        cancel_s = time.monotonic() - stopped_at[0] if stopped_at else float("nan")
    finally:
        for camera in cameras:
            camera.stop()
        for pit in silent:
            pit.close()
    sweep = statistics.median(sweeps)
    print(
        f"RESULT sweep_s={sweep:.2f} addresses_per_s={len(targets) / sweep:.0f} "
        f"found={min(found)} cancel_s={cancel_s:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
