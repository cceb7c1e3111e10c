#!/usr/bin/python3
"""CityWall demo RTSP server: many camera mounts on 127.0.0.1, served by GStreamer's gst-rtsp-server.

Runs under the system Python that has python3-gi (Debian: /usr/bin/python3); it never imports the
`app` package. app.demo.rtsp_server starts it; by hand:

    /usr/bin/python3 gst_rtsp_server.py --manifest demo.json

The JSON manifest:
    {"port": 8554, "tcp_only": false, "udp_ports": [40000, 49999],
     "exit_with_parent": false, "remove_manifest": false,
     "mounts": [{"path": "cam001", "file": "/cache/full_sub.mp4", "offset_frames": 45, "mode": "loop"}]}
port 0 picks a free port; exit_with_parent: quit when stdin closes; remove_manifest: delete the
manifest file once read. Modes:
  loop     the file's H.264 access units are read once into memory (shared by every mount of that
           file) and replayed forever with continuous timestamps, from offset_frames rounded down to
           a keyframe: an endless, camera-like stream without demuxing or encoding per client.
           With "live": true the loop runs on the server's clock: a client that connects later
           (a short main-stream pull for an evidence still) sees what one connected all along sees
           (to a keyframe), not the clip's start.
  file     filesrc ! qtdemux ! h264parse: the stream ends (or fails, for a truncated file).
  garbage  deterministic random bytes sent as H.264 slices at 15 fps: the client decoder must fail.
  ptz      a virtual PTZ camera: the file is a wide panorama (app/demo/panorama.py), looped like
           `loop`, decoded, cropped to the current view, scaled and encoded live (x264enc, or
           openh264enc without gstreamer1.0-plugins-ugly). Extra keys: "ptz_id" (views address it;
           several mounts, e.g. sub and main, may share one), "tile_width" (pixels of 360 degrees),
           "width"/"height" (output size, default 640x360), "bitrate_kbps", and "view" [x, y, w, h]
           (the initial view: x, w fractions of 360 degrees, y, h of the height).
Views change at run time through stdin, one JSON object per line:
    {"view": "ptz001", "rect": [0.25, 0.4, 0.1667, 0.25]}
Prints "READY rtsp://127.0.0.1:PORT" once listening. Exits 0 on SIGTERM/SIGINT (and on stdin EOF
with exit_with_parent), 2 on a bad manifest, clip or port, 3 if GStreamer parts are missing.
"""

import argparse
import contextlib
import json
import os
import random
import signal
import sys
import time
import zlib
from pathlib import Path

MISSING_EXIT = 3
INSTALL_HINT = (
    "apt-get install gir1.2-gst-rtsp-server-1.0 python3-gi "
    "gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad"
)

try:
    import gi

    gi.require_version("Gst", "1.0")
    gi.require_version("GstRtsp", "1.0")
    gi.require_version("GstRtspServer", "1.0")
    from gi.repository import GLib, Gst, GstRtsp, GstRtspServer
except (ImportError, ValueError) as exc:
    print(f"MISSING {exc}; install: {INSTALL_HINT}", file=sys.stderr, flush=True)
    sys.exit(MISSING_EXIT)

AU_CAPS = "video/x-h264,stream-format=byte-stream,alignment=au"
# config-interval=0: h264parse already puts SPS/PPS in front of every IDR access unit; with -1 the
# payloader inserts them again before *each* IDR slice, and clients then split a multi-slice
# key frame into separate half pictures.
APPSRC_LAUNCH = (
    "( appsrc name=src is-live=true format=time stream-type=stream max-bytes=65536 "
    "! rtph264pay name=pay0 pt=96 config-interval=0 mtu=1400 )"
)
GARBAGE_FPS = 15
PTZ_ENCODERS = {
    # One thread, one slice per picture (see config-interval above); a 1 s GOP like the clips.
    "x264enc": "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=15 threads=1 "
    "bitrate={kbps} ! video/x-h264,profile=constrained-baseline",
    "openh264enc": "openh264enc complexity=low gop-size=15 multi-thread=1 slice-mode=1 "
    "bitrate={bps} ! video/x-h264,profile=constrained-baseline",
}
PTZ_HINT = "apt-get install gstreamer1.0-plugins-ugly (x264enc) or gstreamer1.0-plugins-bad (openh264enc)"


def fail(message, code=2):
    print(f"ERROR {message}", file=sys.stderr, flush=True)
    sys.exit(code)


def check_elements():
    missing = [
        e
        for e in ("appsrc", "appsink", "filesrc", "qtdemux", "h264parse", "rtph264pay")
        if Gst.ElementFactory.find(e) is None
    ]
    if missing:
        print(
            f"MISSING GStreamer elements {', '.join(missing)}; install: {INSTALL_HINT}",
            file=sys.stderr,
            flush=True,
        )
        sys.exit(MISSING_EXIT)


class Clip:
    """A file's access units in memory: [(bytes, is_keyframe)], starting on a keyframe."""

    def __init__(self, path):
        pipe = Gst.parse_launch(
            f"filesrc name=file ! qtdemux ! h264parse config-interval=-1 ! {AU_CAPS} "
            "! appsink name=sink sync=false max-buffers=0"
        )
        pipe.get_by_name("file").set_property("location", path)  # a property: no quoting of paths
        sink = pipe.get_by_name("sink")
        pipe.set_state(Gst.State.PLAYING)
        self.aus, caps = [], None
        while (sample := sink.emit("pull-sample")) is not None:
            buf, caps = sample.get_buffer(), caps or sample.get_caps()
            self.aus.append(
                (buf.extract_dup(0, buf.get_size()), not buf.has_flags(Gst.BufferFlags.DELTA_UNIT))
            )
        error = pipe.get_bus().pop_filtered(Gst.MessageType.ERROR)
        pipe.set_state(Gst.State.NULL)
        while self.aus and not self.aus[0][1]:
            self.aus.pop(0)
        if not self.aus:
            detail = error.parse_error()[0].message if error else "no H.264 access units"
            fail(f"cannot read {path}: {detail}")
        self.caps = caps
        ok, num, den = caps.get_structure(0).get_fraction("framerate")
        self.duration = Gst.util_uint64_scale(Gst.SECOND, den, num) if ok and num else Gst.SECOND // 15
        self.keyframes = [i for i, (_, key) in enumerate(self.aus) if key]

    def start_index(self, offset_frames):
        """Offset rounded down to a keyframe, so the stream starts decodable at once."""
        offset = offset_frames % len(self.aus)
        return max(k for k in self.keyframes if k <= offset)


class AppsrcFactory(GstRtspServer.RTSPMediaFactory):
    """appsrc ! rtph264pay, fed one access unit per need-data from Python."""

    def __init__(self, caps, duration, launch=APPSRC_LAUNCH):
        super().__init__()
        self.caps, self.duration = caps, duration
        self.set_launch(launch)
        self.set_shared(True)  # several clients of one camera share one pipeline, like a real camera
        self.connect("media-configure", self._configure)

    def _configure(self, _factory, media):
        appsrc = media.get_element().get_child_by_name("src")
        appsrc.set_property("caps", self.caps)
        appsrc.connect("need-data", self._need_data, self.new_state())
        self.configured(media)

    def configured(self, media):
        pass

    def _need_data(self, appsrc, _length, state):
        data, key = self.next_unit(state)
        n = state["n"]
        state["n"] = n + 1
        buf = Gst.Buffer.new_wrapped(data)
        buf.pts = buf.dts = n * self.duration  # continuous timestamps across loop restarts
        buf.duration = self.duration
        if not key:
            buf.set_flags(Gst.BufferFlags.DELTA_UNIT)
        appsrc.emit("push-buffer", buf)


STARTED = time.monotonic()  # the live loops' clock


class LoopFactory(AppsrcFactory):
    def __init__(self, clip, offset_frames, launch=APPSRC_LAUNCH, live=False):
        super().__init__(clip.caps, clip.duration, launch)
        self.clip, self.offset, self.live = clip, offset_frames, live
        self.start = clip.start_index(offset_frames)

    def new_state(self):
        start = self.start
        if self.live:  # where the loop is now, had it played since the server started
            elapsed = round((time.monotonic() - STARTED) * Gst.SECOND / self.duration)
            start = self.clip.start_index(self.offset + elapsed)
        return {"n": 0, "start": start}

    def next_unit(self, state):
        return self.clip.aus[(state["start"] + state["n"]) % len(self.clip.aus)]


class GarbageFactory(AppsrcFactory):
    """Slices of random bytes and no SPS/PPS: the payloader sends them, no decoder gets a picture."""

    def __init__(self, seed):
        super().__init__(
            Gst.Caps.from_string(f"{AU_CAPS},framerate={GARBAGE_FPS}/1"), Gst.SECOND // GARBAGE_FPS
        )
        self.seed = seed

    def new_state(self):
        return {"n": 0, "rng": random.Random(self.seed)}

    def next_unit(self, state):
        rng, key = state["rng"], state["n"] % GARBAGE_FPS == 0
        header = b"\x00\x00\x00\x01" + (b"\x65" if key else b"\x41")
        return header + rng.randbytes(rng.randint(300, 2500)), key


def ptz_encoder():
    missing = [e for e in ("avdec_h264", "videocrop", "videoscale") if Gst.ElementFactory.find(e) is None]
    if missing:
        print(
            f"MISSING GStreamer elements {', '.join(missing)} for PTZ mounts; install: "
            "gstreamer1.0-libav gstreamer1.0-plugins-good gstreamer1.0-plugins-base",
            file=sys.stderr,
            flush=True,
        )
        sys.exit(MISSING_EXIT)
    for name in PTZ_ENCODERS:
        if Gst.ElementFactory.find(name) is not None:
            return name
    print(
        f"MISSING a GStreamer H.264 encoder for PTZ mounts; install: {PTZ_HINT}", file=sys.stderr, flush=True
    )
    sys.exit(MISSING_EXIT)


class PtzFactory(LoopFactory):
    """A looped panorama, cropped live to the view of a virtual PTZ head, scaled and re-encoded.

    One pipeline per mount, shared by its clients; every running pipeline of the mount follows
    ``set_view`` at once (videocrop's properties change while PLAYING).
    """

    def __init__(self, clip, mount, encoder):
        self.width, self.height = int(mount.get("width", 640)), int(mount.get("height", 360))
        kbps = int(mount.get("bitrate_kbps", 800 if self.width <= 640 else 2000))
        fps = clip.caps.get_structure(0).get_fraction("framerate")
        rate = f",framerate={fps[1]}/{fps[2]}" if fps[0] and fps[1] else ""
        launch = (
            "( appsrc name=src is-live=true format=time stream-type=stream max-bytes=262144 "
            "! h264parse ! avdec_h264 max-threads=1 ! videocrop name=crop "
            "! videoscale add-borders=false "
            f"! video/x-raw,width={self.width},height={self.height},pixel-aspect-ratio=1/1{rate} "
            f"! {PTZ_ENCODERS[encoder].format(kbps=kbps, bps=kbps * 1000)} "
            "! rtph264pay name=pay0 pt=96 config-interval=-1 mtu=1400 )"
        )
        super().__init__(clip, int(mount.get("offset_frames", 0)), launch)
        structure = clip.caps.get_structure(0)
        self.clip_w, self.clip_h = structure.get_int("width")[1], structure.get_int("height")[1]
        self.tile_width = int(mount.get("tile_width") or self.clip_w)
        self.view = mount.get("view") or [0.2, 0.375, 1 / 6, 0.25]
        self.crops = []

    def configured(self, media):
        crop = media.get_element().get_child_by_name("crop")
        self.crops.append(crop)
        self._apply(crop)
        media.connect("unprepared", lambda _m: self.crops.remove(crop) if crop in self.crops else None)

    def set_view(self, rect):
        self.view = rect
        for crop in self.crops:
            self._apply(crop)

    def crop_box(self):
        """(left, right, top, bottom) pixels for the current view, keeping the output's aspect."""
        x, y, w, _h = (float(v) for v in self.view)
        even = lambda v: round(v / 2.0) * 2  # noqa: E731 - I420 crops on even pixels
        width = min(max(16, even(w * self.tile_width)), self.clip_w - self.clip_w % 2)
        height = min(max(16, even(width * self.height / self.width)), self.clip_h - self.clip_h % 2)
        left = min(even((x % 1.0) * self.tile_width), self.clip_w - width)
        top = max(0, min(even(y * self.clip_h), self.clip_h - height))
        return left, self.clip_w - left - width, top, self.clip_h - top - height

    def _apply(self, crop):
        left, right, top, bottom = self.crop_box()
        crop.set_property("left", left)
        crop.set_property("right", right)
        crop.set_property("top", top)
        crop.set_property("bottom", bottom)


def file_factory(path):
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(
        "( filesrc name=file ! qtdemux ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1 )"
    )
    factory.set_shared(True)
    factory.connect(
        "media-configure",
        lambda _f, media: media.get_element().get_child_by_name("file").set_property("location", path),
    )
    return factory


def build_server(manifest):
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(manifest.get("port", 8554)))
    server.set_backlog(256)  # the default 5 drops some of 100 clients connecting at once
    # Without an address pool the UDP RTP/RTCP sockets bind to 0.0.0.0; this keeps them on loopback.
    lo, hi = manifest.get("udp_ports", (40000, 49999))
    pool = GstRtspServer.RTSPAddressPool()
    pool.add_range("127.0.0.1", "127.0.0.1", lo, hi, 0)
    clips, mounts, views = {}, server.get_mount_points(), {}
    encoder = None
    for mount in manifest.get("mounts", []):
        mode, path = mount.get("mode", "loop"), mount.get("file")
        if mode == "loop":
            if path not in clips:
                clips[path] = Clip(path)
            factory = LoopFactory(
                clips[path], int(mount.get("offset_frames", 0)), live=bool(mount.get("live", False))
            )
        elif mode == "file":
            if not path or not Path(path).is_file():
                fail(f"mount {mount['path']}: file not found: {path}")
            factory = file_factory(path)
        elif mode == "garbage":
            factory = GarbageFactory(zlib.crc32(mount["path"].encode()))
        elif mode == "ptz":
            if path not in clips:
                clips[path] = Clip(path)
            encoder = encoder or ptz_encoder()
            factory = PtzFactory(clips[path], mount, encoder)
            views.setdefault(str(mount.get("ptz_id") or mount["path"]), []).append(factory)
        else:
            fail(f"mount {mount['path']}: unknown mode {mode!r} (loop, file, garbage, ptz)")
        factory.set_address_pool(pool)
        if manifest.get("tcp_only"):
            factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP)
        mounts.add_factory("/" + mount["path"].strip("/"), factory)
    units = sum(len(c.aus) for c in clips.values())
    count = len(manifest.get("mounts", []))
    print(f"{count} mounts; {len(clips)} looped clips, {units} access units in memory", flush=True)
    if views:
        print(f"{len(views)} PTZ views ({encoder})", flush=True)
    return server, views


def view_command(views, line):
    """Apply one stdin line {"view": ptz_id, "rect": [x, y, w, h]}; bad lines are reported, not fatal."""
    try:
        command = json.loads(line)
        factories = views[command["view"]]
        rect = [float(v) for v in command["rect"]]
        if len(rect) != 4:
            raise ValueError("rect needs 4 numbers")
    except (ValueError, KeyError, TypeError) as exc:
        print(f"WARNING bad view command {line[:120]!r}: {exc}", file=sys.stderr, flush=True)
        return
    for factory in factories:
        factory.set_view(rect)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--manifest", required=True, help="JSON file: port, tcp_only, mounts")
    args = ap.parse_args()
    try:
        manifest = json.loads(Path(args.manifest).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        fail(f"cannot read manifest {args.manifest}: {exc}")
    if manifest.get("remove_manifest"):  # a temporary file from our parent: gone even if it crashes
        Path(args.manifest).unlink(missing_ok=True)
    Gst.init(None)
    check_elements()
    server, views = build_server(manifest)
    if server.attach(None) == 0:
        fail(f"cannot listen on 127.0.0.1:{manifest.get('port')} (port in use?)")
    print(f"READY rtsp://127.0.0.1:{server.get_bound_port()}", flush=True)

    loop = GLib.MainLoop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        if hasattr(GLib, "unix_signal_add"):
            GLib.unix_signal_add(GLib.PRIORITY_HIGH, sig, lambda: loop.quit() or GLib.SOURCE_REMOVE)
        else:  # Windows: no GLib signal sources
            signal.signal(sig, lambda *_: loop.quit())
    exit_with_parent = manifest.get("exit_with_parent")
    if (exit_with_parent or views) and hasattr(GLib, "unix_fd_add_full"):
        # The parent holds our stdin open; EOF means it died without stopping us: don't linger.
        # Meanwhile it may send PTZ view changes, one JSON object per line.
        pending = bytearray()

        def on_stdin(fd, _cond):
            data = os.read(fd, 65536)
            if data:
                pending.extend(data)
                while b"\n" in pending:
                    end = pending.index(b"\n")
                    line = bytes(pending[:end]).strip()
                    del pending[: end + 1]
                    if line:
                        view_command(views, line.decode("utf-8", "replace"))
                return GLib.SOURCE_CONTINUE
            if exit_with_parent:
                loop.quit()
            return GLib.SOURCE_REMOVE

        GLib.unix_fd_add_full(
            GLib.PRIORITY_DEFAULT, sys.stdin.fileno(), GLib.IOCondition.IN | GLib.IOCondition.HUP, on_stdin
        )
    loop.run()
    with contextlib.suppress(OSError):  # the parent, and with it our stdout pipe, may be gone
        print("STOPPED", flush=True)
    # Leave at once, like a camera losing power: tearing down 100 sessions one by one takes seconds,
    # and finalising live GStreamer threads can hang an ordinary interpreter exit.
    os._exit(0)


if __name__ == "__main__":
    main()
