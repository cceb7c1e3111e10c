"""PTZ video bench: the demo RTSP server's cost per virtual PTZ camera (decode, crop, scale, x264).

    .venv/bin/python bench/ptz_video.py [--seconds 20] [--cameras 4] [--main] [--png-dir DIR]

Starts the demo RTSP server with ``--cameras`` ptz mounts (640x360 sub streams, or 1280x720 with
``--main``) over the demo panorama, one simulated ONVIF PTZ camera per mount driving its view, and
one PyAV client per mount pulling the stream (decode only, as the wall's ingest does). Half of the
time the cameras pan continuously (the view changes every frame), half they stand still. The
server process' CPU is measured with psutil; our own process (simulators + clients) is reported
for reference. ``--png-dir`` saves one frame per camera before and after a pan, to look at.

The last line is ``RESULT server_cpu_pct_per_cam_moving=… server_cpu_pct_per_cam_still=…
fps_min=…`` (percent of one core). It is a measurement: it exits 0 even when goals are missed.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Callable
from pathlib import Path

import av
import cv2
import psutil

from app.adapters.onvif.client import OnvifClient, OnvifEndpoint
from app.core.ptz_port import PtzVector
from app.demo.panorama import ViewRect, generate_panorama_clip, view_rect
from app.demo.ptz_camera import PtzCameraSimulator, StreamProfile
from app.demo.rtsp_server import DemoRtspServer

PASSWORD = "bench"


def pull(
    url: str, stop: threading.Event, counts: list[int], index: int, shots: dict[str, av.VideoFrame]
) -> None:
    with av.open(url, options={"rtsp_transport": "tcp"}, timeout=(10.0, 10.0)) as container:
        for frame in container.decode(video=0):
            counts[index] += 1
            shots[f"cam{index}"] = frame
            if stop.is_set():
                return


def viewer(server: DemoRtspServer, ptz_id: str) -> Callable[[ViewRect], None]:
    return lambda rect: server.set_view(ptz_id, rect.as_list())


def save_png(frame: av.VideoFrame, path: Path) -> None:
    cv2.imwrite(str(path), frame.to_ndarray(format="bgr24"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--cameras", type=int, default=4)
    ap.add_argument("--main", action="store_true", help="1280x720 instead of 640x360")
    ap.add_argument("--png-dir", type=Path)
    args = ap.parse_args()
    width, height = (1280, 720) if args.main else (640, 360)
    pano = generate_panorama_clip(duration_s=36.0)
    mounts = [
        {
            "path": f"ptz{i}",
            "mode": "ptz",
            "file": str(pano.path),
            "ptz_id": f"ptz{i}",
            "tile_width": pano.tile_width,
            "width": width,
            "height": height,
            "offset_frames": i * 37,
            "view": view_rect(i * 90.0, 30.0, 1.0).as_list(),
        }
        for i in range(args.cameras)
    ]
    with DemoRtspServer({"mounts": mounts}, port=0) as server:
        sims = [
            PtzCameraSimulator(
                f"bench{i}",
                password=PASSWORD,
                streams=(StreamProfile("P", "main", server.url(f"ptz{i}"), width, height),),
                home=(i * 90.0, 30.0, 1.0),
                on_view=viewer(server, f"ptz{i}"),
            ).start()
            for i in range(args.cameras)
        ]
        clients = [OnvifClient(OnvifEndpoint(s.device_url, "admin", PASSWORD)) for s in sims]
        stop, counts = threading.Event(), [0] * args.cameras
        shots: dict[str, av.VideoFrame] = {}
        threads = [
            threading.Thread(target=pull, args=(server.url(f"ptz{i}"), stop, counts, i, shots), daemon=True)
            for i in range(args.cameras)
        ]
        for t in threads:
            t.start()
        proc, me = psutil.Process(server.pid), psutil.Process()
        time.sleep(3.0)  # clients connected, pipelines warm
        before = dict(shots)
        results: dict[str, float] = {}
        for phase in ("moving", "still"):
            for c in clients:
                if phase == "moving":
                    c.continuous_move(PtzVector(pan=0.1, zoom=0.05), timeout_s=args.seconds)
                else:
                    c.stop()
            proc.cpu_percent()
            me.cpu_percent()
            start_counts, t0 = list(counts), time.monotonic()
            time.sleep(args.seconds / 2)
            elapsed = time.monotonic() - t0
            results[phase] = proc.cpu_percent() / args.cameras
            results[f"{phase}_self"] = me.cpu_percent() / args.cameras
            results[f"{phase}_fps_min"] = (
                min(c - s for c, s in zip(counts, start_counts, strict=True)) / elapsed
            )
            print(
                f"{phase}: server {results[phase]:.1f} % of a core per camera, this process "
                f"{results[f'{phase}_self']:.1f} %/camera, fps min {results[f'{phase}_fps_min']:.1f}",
                flush=True,
            )
        stop.set()
        if args.png_dir:
            args.png_dir.mkdir(parents=True, exist_ok=True)
            for name, frame in before.items():
                save_png(frame, args.png_dir / f"{name}_before.png")
            for name, frame in shots.items():
                save_png(frame, args.png_dir / f"{name}_after.png")
        for c in clients:
            c.close()
        for s in sims:
            s.stop()
        for t in threads:
            t.join(5.0)
    fps_min = min(results["moving_fps_min"], results["still_fps_min"])
    print(
        f"RESULT server_cpu_pct_per_cam_moving={results['moving']:.1f} "
        f"server_cpu_pct_per_cam_still={results['still']:.1f} fps_min={fps_min:.1f} "
        f"size={width}x{height} cameras={args.cameras}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
