#!/usr/bin/python3
"""A camera with an ONVIF audio back-channel made of GStreamer's own RTSP server (gst-rtsp-server's
RTSPOnvifServer and RTSPOnvifMediaFactory, 1.14+): a third-party implementation of the ONVIF
Streaming Spec to check CityWall's back-channel client against (tests/integration).

Runs under the system Python that has python3-gi (Debian: /usr/bin/python3); never imports `app`:

    /usr/bin/python3 gst_onvif_backchannel.py --out heard.s16 [--port 0] [--codec pcmu|pcma]

One mount, rtsp://127.0.0.1:PORT/backchannel: a silent microphone track (recvonly) and a
back-channel in the chosen law (sendonly). What the back-channel receives is decoded and appended
to --out as raw signed 16-bit little-endian 8 kHz mono (a WAV header could not be finished when a
session is torn down). Prints "READY rtsp://127.0.0.1:PORT/backchannel" once listening; exits on
SIGTERM/SIGINT, 3 if GStreamer parts are missing.
"""

import argparse
import signal
import sys

CODECS = {
    "pcmu": ("PCMU", 0, "rtppcmudepay", "mulawdec", "mulawenc", "rtppcmupay"),
    "pcma": ("PCMA", 8, "rtppcmadepay", "alawdec", "alawenc", "rtppcmapay"),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--codec", choices=sorted(CODECS), default="pcmu")
    args = parser.parse_args()
    try:
        import gi

        gi.require_version("Gst", "1.0")
        gi.require_version("GstRtspServer", "1.0")
        from gi.repository import GLib, Gst, GstRtspServer
    except (ImportError, ValueError) as exc:
        print(f"GStreamer RTSP server bindings missing: {exc}", file=sys.stderr)
        return 3
    Gst.init(None)
    name, pt, depay, decoder, encoder, pay = CODECS[args.codec]
    factory = GstRtspServer.RTSPOnvifMediaFactory.new()
    factory.set_launch(f"( audiotestsrc is-live=true wave=silence ! {encoder} ! {pay} name=pay0 pt={pt} )")
    factory.set_backchannel_launch(
        f'( capsfilter caps="application/x-rtp, media=audio, payload={pt}, clock-rate=8000, '
        f'encoding-name={name}" name=depay_backchannel ! {depay} ! {decoder} ! audioconvert '
        f"! audio/x-raw,format=S16LE,rate=8000,channels=1 "
        f"! filesink location={args.out} append=true sync=false async=false buffer-mode=unbuffered )"
    )
    factory.set_shared(False)
    factory.set_media_gtype(GstRtspServer.RTSPOnvifMedia)
    server = GstRtspServer.RTSPOnvifServer.new()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    server.get_mount_points().add_factory("/backchannel", factory)
    if server.attach(None) == 0:
        print(f"cannot listen on port {args.port}", file=sys.stderr)
        return 2
    loop = GLib.MainLoop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    print(f"READY rtsp://127.0.0.1:{server.get_bound_port()}/backchannel", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
