"""The README's run command, headless: the demo must come up with every camera live, on loopback only."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

pytestmark = [pytest.mark.peer, pytest.mark.slow, pytest.mark.heavy]

CITYWALL = [sys.executable, "-m", "app"]


def run_demo(
    tmp_path: Path,
    *extra: str,
    cameras: int,
    seconds: int,
    prefix: list[str] | None = None,
    guard: bool = True,
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"))  # keep the user's demo site file alone
    if not guard:
        env.pop("CITYWALL_NETWORK_GUARD", None)  # let the system-call trace, not Python's guard, judge
    command = [
        *(prefix or []),
        *CITYWALL,
        "demo",
        "--offscreen",
        "--seconds",
        str(seconds),
        "--cameras",
        str(cameras),
        "--clip-seconds",
        "6",
        "--scene-seconds",  # on a fresh machine the 180 s scenes took ~90 s to encode
        "18",
        "--size",
        "1920x1080",
        *extra,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=240, env=env)


def test_demo_shows_a_hundred_live_cameras_and_a_screenshot(tmp_path: Path) -> None:
    shot = tmp_path / "wall.png"
    result = run_demo(tmp_path, "--screenshot", str(shot), "--wall-only", cameras=100, seconds=15)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "100/100 cameras went live" in result.stderr
    assert "Traceback" not in result.stderr
    image = cv2.imread(str(shot))
    assert image is not None and image.shape[:2] == (1080, 1920)
    # 10 × 10 tiles: sample the picture area of each; a black or uniform tile fails.
    wall = image[: 1080 - 40]  # above the status bar
    height, width = wall.shape[0] // 10, wall.shape[1] // 10
    flat = [
        (r, c)
        for r in range(10)
        for c in range(10)
        if float(
            np.std(
                wall[
                    r * height + height // 5 : r * height + 4 * height // 5,  # between the text bands
                    c * width + width // 10 : c * width + 9 * width // 10,
                ]
            )
        )
        < 8
    ]
    assert not flat, f"tiles without a picture: {flat}"
    assert (tmp_path / "data" / "citywall" / "demo" / "site.yaml").is_file()


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is installed by scripts/setup.sh")
def test_the_whole_demo_never_reaches_beyond_loopback(tmp_path: Path) -> None:
    """Traces every process of the demo (GUI, decoder workers, RTSP server) at the system-call level,
    so C code (FFmpeg, GStreamer, Qt) is covered as well as Python."""
    log = tmp_path / "net.log"
    prefix = ["strace", "-f", "--seccomp-bpf", "-e", "trace=connect,sendto,sendmsg", "-o", str(log)]
    result = run_demo(tmp_path, cameras=6, seconds=8, prefix=prefix, guard=False)
    assert result.returncode == 0, result.stderr[-3000:]
    calls = log.read_text()
    inet = re.findall(r'(?:inet_addr|inet_pton)\((?:AF_INET6?, )?"([^"]+)"', calls)
    assert inet, "the trace saw no network calls at all: is it tracing?"
    outside = sorted({addr for addr in inet if addr not in ("127.0.0.1", "::1", "::ffff:127.0.0.1")})
    assert not outside, f"reached beyond loopback: {outside}"
