"""Voice peer tests that need a network of their own: run inside a private network namespace
(``unshare -n``; ``unshare -rn`` for a user who is not root) where only loopback exists, brought up
with a multicast route on it. SIPp always opens a control socket on 0.0.0.0:8888 and a multicast
group is not loopback: in here neither reaches any real network.

The test calls :func:`run_in_netns`, which runs this module as a child:

    unshare -n python -m tests.voice_netns TASK JSON_ARGS

The child sets up the namespace, runs the task (which starts and stops its peers by PID) and
prints one JSON line with what it found; the test asserts on that.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SIPP_SCENARIOS = REPO / "tests" / "data" / "voice"
GROUP = "239.255.10.1"


def run_in_netns(task: str, /, timeout_s: float = 90, **kwargs: Any) -> dict[str, Any]:
    """Run ``task`` (one of :data:`TASKS`) in a new network namespace; its findings. A missing
    unshare or ip skips (which fails on CI, tests/skip_policy.py); an unshare that cannot make a
    namespace fails."""
    if sys.platform != "linux":
        pytest.skip("network namespaces are Linux only")
    unshare = shutil.which("unshare")
    if unshare is None or shutil.which("ip") is None:
        pytest.skip("unshare (util-linux) and ip (iproute2) are needed for a private network namespace")
    command = [unshare, "-n"] if os.geteuid() == 0 else [unshare, "-r", "-n"]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [*command, sys.executable, "-m", "tests.voice_netns", task, json.dumps(kwargs)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout_s, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        pytest.fail(
            f"{task} in a private network namespace failed (exit {done.returncode}):\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    found: dict[str, Any] = json.loads(lines[-1])
    return found


# --- in the child ------------------------------------------------------------------------------------
def _set_up_namespace() -> None:
    for command in ("ip link set lo up", "ip route add 224.0.0.0/4 dev lo src 127.0.0.1"):
        subprocess.run(command.split(), check=True)


def _die_with_parent() -> None:
    """In a peer process: the kernel kills it if the scenario's process dies before stopping it."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _start(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )


def rtp_multicast(codec: str, seconds: float, folder: str, interface: str | None = None) -> dict[str, Any]:
    """One multicast prompt heard by GStreamer, FFmpeg and a Python receiver in the group at once
    (``interface``: the transport's outgoing interface; None, the routes')."""
    from app.adapters.voice.rtp import RtpTransport
    from app.core.voice import Clip, Codec, DeliveryKind, Speaker
    from tests import voice_peers

    port, chosen = 5004, Codec(codec)
    clip = Clip("prompt", voice_peers.speech_like(seconds))
    receivers = []
    try:
        with voice_peers.sink(GROUP, port) as sink:
            for kind in ("gst", "ffmpeg"):
                receivers.append(voice_peers.start_receiver(kind, GROUP, port, chosen, Path(folder)))
            address = f"rtp://{GROUP}:{port}?ttl=3"
            speaker = Speaker("mc", "Group", DeliveryKind.RTP, address, chosen, ttl=1)
            delivery = RtpTransport(interface=interface).play(speaker, clip.frames(), threading.Event())
            voice_peers.wait_packets(sink, seconds * 50)
        wavs = {r.name: str(r.wav) for r in receivers}
        for receiver in receivers:
            receiver.stop()
    finally:
        for receiver in receivers:
            voice_peers.stop_process(receiver.process)
    return {
        "delivered": delivery.delivered, "detail": delivery.detail, "pacing": sink.pacing(),
        "ttls": sorted(sink.ttls), **wavs,
    }  # fmt: skip


def sip_call(
    folder: str,
    seconds: float = 1.0,
    codec: str = "pcmu",
    scenario: str = "uas",
    keys: dict[str, str] | None = None,
    username: str | None = None,
    password: str | None = None,
    answer_timeout_s: float = 5.0,
) -> dict[str, Any]:
    """A paging call from SipTransport to SIPp (``scenario``: its built-in ``uas``, or one of
    tests/data/voice/*.xml with each ``[key]`` of ``keys`` written in); SIPp echoes the RTP, which
    is written to echo.wav."""
    from app.adapters.voice import g711
    from app.adapters.voice.rtp_packets import parse
    from app.adapters.voice.sip import SipTimers, SipTransport
    from app.core.voice import Clip, Codec, DeliveryKind, Speaker
    from tests import voice_peers

    out = Path(folder)
    sipp = voice_peers.need("sipp", "sip-tester")
    command = [sipp, "-i", "127.0.0.1", "-p", "15060", "-mi", "127.0.0.1", "-mp", "16200", "-rtp_echo"]
    if scenario == "uas":
        command += ["-sn", "uas"]
    else:  # SIPp checks a status code when it loads the file: the keys are written in beforehand
        text = (SIPP_SCENARIOS / f"{scenario}.xml").read_text()
        for key, value in (keys or {}).items():
            text = text.replace(f"[{key}]", value)
        (out / "scenario.xml").write_text(text)
        command += ["-sf", str(out / "scenario.xml")]
    command += ["-nostdin", "-m", "1", "-timeout", "30s", "-timeout_error", "-trace_err"]
    command += ["-error_file", str(out / "sipp-errors.log")]
    peer = _start(command, out / "sipp.log")
    try:
        _wait_udp(15060, peer, out / "sipp.log")
        echo: list[bytes] = []
        clip = Clip("prompt", voice_peers.speech_like(seconds))
        speaker = Speaker(
            "pa", "PA", DeliveryKind.SIP, "sip:pa@127.0.0.1:15060", Codec(codec),
            username=username, password=password,
        )  # fmt: skip
        timers = SipTimers(answer_timeout_s=answer_timeout_s)
        transport = SipTransport(timers=timers, received=lambda _, packet: echo.append(packet))
        started = time.monotonic()
        delivery = transport.play(speaker, clip.frames(), threading.Event())
        took = time.monotonic() - started
        try:
            sipp_exit: int | None = peer.wait(10)
        except subprocess.TimeoutExpired:
            sipp_exit = None
    finally:
        voice_peers.stop_process(peer)
    packets = sorted((parse(p) for p in echo), key=lambda p: p[1])
    echoed = b"".join(g711.decode(p[4], Codec.PCMA if p[0] == 8 else Codec.PCMU) for p in packets)
    with wave.open(str(out / "echo.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(echoed)
    errors = out / "sipp-errors.log"
    return {
        "delivered": delivery.delivered, "failure": delivery.failure.value if delivery.failure else None,
        "detail": delivery.detail, "attempts": delivery.attempts, "sent_bytes": len(delivery.sent_pcm),
        "echo_wav": str(out / "echo.wav"), "echo_types": sorted({p[0] for p in packets}),
        "sipp_exit": sipp_exit, "took_s": took,
        "sipp_errors": errors.read_text(errors="replace")[-2000:] if errors.exists() else "",
    }  # fmt: skip


def _wait_udp(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    from tests import voice_peers

    deadline = time.monotonic() + 10
    while not voice_peers.udp_listeners(port):
        if process.poll() is not None or time.monotonic() > deadline:
            said = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the peer did not open UDP {port} (exit {process.poll()}): {said}")
        time.sleep(0.02)


TASKS: dict[str, Callable[..., dict[str, Any]]] = {"rtp_multicast": rtp_multicast, "sip_call": sip_call}

if __name__ == "__main__":
    _set_up_namespace()
    result = TASKS[sys.argv[1]](**json.loads(sys.argv[2]))
    print(json.dumps(result), flush=True)
