"""Which track of a camera's SDP is its audio back-channel, per the ONVIF Streaming Spec's own
examples: the client sends on the section the server marks a=sendonly."""

from __future__ import annotations

import pytest

from app.adapters.voice.backchannel import choose_backchannel
from app.adapters.voice.rtsp import RtspFailure
from app.adapters.voice.sdp import parse_sdp, resolve
from app.core.voice import Codec, DeliveryFailure

SPEC_EXAMPLE = """v=0
o= 2890842807 IN IP4 192.168.0.1
s=RTSP Session with audiobackchannel
m=video 0 RTP/AVP 26
a=control:rtsp://192.168.0.1/video
a=recvonly
m=audio 0 RTP/AVP 0
a=control:rtsp://192.168.0.1/audio
a=recvonly
m=audio 0 RTP/AVP 0
a=control:rtsp://192.168.0.1/audioback
a=rtpmap:0 PCMU/8000
a=sendonly
"""

MULTI_DECODER = """v=0\r
m=audio 0 RTP/AVP 0\r
a=control:trackID=2\r
a=recvonly\r
m=audio 0 RTP/AVP 97 98 8\r
a=control:trackID=3\r
a=rtpmap:97 G726-32/8000\r
a=rtpmap:98 PCMA/16000\r
a=sendonly\r
"""


def test_the_spec_example() -> None:
    sdp = parse_sdp(SPEC_EXAMPLE)
    assert [m.kind for m in sdp.media] == ["video", "audio", "audio"]
    media, codec, payload_type = choose_backchannel(sdp, Codec.PCMU)
    assert media.control == "rtsp://192.168.0.1/audioback"
    assert (codec, payload_type) == (Codec.PCMU, 0)
    media, codec, _ = choose_backchannel(sdp, Codec.PCMA)  # a PCMA speaker takes what the camera has
    assert codec is Codec.PCMU


def test_static_payload_without_rtpmap_and_wrong_rate_skipped() -> None:
    media, codec, payload_type = choose_backchannel(parse_sdp(MULTI_DECODER), Codec.PCMU)
    assert media.control == "trackID=3"
    assert (codec, payload_type) == (Codec.PCMA, 8)  # 98 is PCMA at 16 kHz: not G.711 as we send it


def test_dynamic_payload_type_for_g711() -> None:
    sdp = parse_sdp("v=0\nm=audio 0 RTP/AVP 96\na=rtpmap:96 pcmu/8000/1\na=sendonly\n")
    assert choose_backchannel(sdp, Codec.PCMU)[1:] == (Codec.PCMU, 96)


def test_no_backchannel_and_no_g711() -> None:
    without = SPEC_EXAMPLE.replace("a=sendonly", "a=recvonly")
    with pytest.raises(RtspFailure) as no_track:
        choose_backchannel(parse_sdp(without), Codec.PCMU)
    assert no_track.value.failure is DeliveryFailure.NO_AUDIO and "a=sendonly" in no_track.value.detail
    g726 = "v=0\nm=audio 0 RTP/AVP 97\na=rtpmap:97 G726-32/8000\na=sendonly\n"
    with pytest.raises(RtspFailure) as no_codec:
        choose_backchannel(parse_sdp(g726), Codec.PCMU)
    assert no_codec.value.detail == "the camera's back-channel takes G726-32/8000: no G.711 at 8 kHz"


def test_session_level_direction_applies_to_media_without_one() -> None:
    sdp = parse_sdp("v=0\na=sendonly\nm=audio 0 RTP/AVP 8\n")
    assert choose_backchannel(sdp, Codec.PCMU)[1] is Codec.PCMA


def test_control_urls() -> None:
    assert resolve("rtsp://cam/media/", "trackID=3") == "rtsp://cam/media/trackID=3"
    assert resolve("rtsp://cam/media", "trackID=3") == "rtsp://cam/media/trackID=3"
    assert resolve("rtsp://cam/media", "rtsp://other/x") == "rtsp://other/x"
    assert resolve("rtsp://cam/media/", "*") == "rtsp://cam/media/"
    assert resolve("rtsp://cam/media/", None) == "rtsp://cam/media/"
