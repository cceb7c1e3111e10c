"""The voice core: clips, quiet hours, the automatic-prompt policy, plays as records, the ladder's
records surviving a store round trip."""

from __future__ import annotations

from datetime import time as clock_time

import pytest

from app.core.alerts import alert_from_record, alert_to_record
from app.core.voice import (
    FRAME_BYTES,
    AutoRefusal,
    Clip,
    Delivery,
    DeliveryFailure,
    QuietHours,
    VoicePlay,
    VoicePolicy,
    VoicePriority,
    auto_play_refusal,
    play_of,
    speakers_for,
    wav_bytes,
)
from app.core.voice_ladder import Ladder, LadderStep
from tests.alert_fakes import detected
from tests.voice_fakes import speakers, tone


def test_a_clip_is_sent_in_whole_20_ms_frames_padded_with_silence() -> None:
    clip = Clip("x", tone(0.105))
    frames = list(clip.frames())
    assert len(frames) == 6 and all(len(f) == FRAME_BYTES for f in frames)
    assert frames[-1].endswith(b"\x00" * 100)


def test_repeats_put_a_second_of_silence_between() -> None:
    clip = Clip("请勿占道经营", tone(0.5)).repeated(3)
    assert clip.duration_s == pytest.approx(3 * 0.5 + 2 * 1.0)
    assert clip.name == "请勿占道经营 ×3"
    with pytest.raises(ValueError):
        Clip("x", b"\x00").repeated(1)


def test_quiet_hours_may_wrap_past_midnight() -> None:
    night = QuietHours(clock_time(22, 0), clock_time(7, 0))
    assert night.contains(clock_time(23, 30)) and night.contains(clock_time(6, 59))
    assert not night.contains(clock_time(7, 0)) and not night.contains(clock_time(12, 0))
    lunch = QuietHours(clock_time(12, 0), clock_time(13, 0))
    assert lunch.contains(clock_time(12, 30)) and not lunch.contains(clock_time(13, 30))


@pytest.mark.parametrize(
    ("policy", "kwargs", "expected"),
    [
        (VoicePolicy(), {}, AutoRefusal.OFF),
        (VoicePolicy(), {"ladder": True}, None),
        (VoicePolicy(auto_play=True), {"speaker_ids": []}, AutoRefusal.NO_SPEAKER),
        (
            VoicePolicy(auto_play=True, quiet_hours=QuietHours(clock_time(22, 0), clock_time(7, 0))),
            {"local_time": clock_time(23, 0)},
            AutoRefusal.QUIET_HOURS,
        ),
        (VoicePolicy(auto_play=True, max_repeats=2), {"prompts_for_alert": 2}, AutoRefusal.MAX_REPEATS),
        (
            VoicePolicy(auto_play=True, cooldown_s=120),
            {"last_played": {"a": 950.0, "b": 990.0}},
            AutoRefusal.COOLDOWN,
        ),
        (VoicePolicy(auto_play=True, cooldown_s=120), {"last_played": {"a": 950.0}}, None),  # b is ready
    ],
)
def test_what_an_automatic_prompt_is_refused_for(
    policy: VoicePolicy, kwargs: dict[str, object], expected: AutoRefusal | None
) -> None:
    args: dict[str, object] = {
        "local_time": clock_time(12, 0), "now": 1000.0, "last_played": {}, "speaker_ids": ["a", "b"],
        "prompts_for_alert": 0, **kwargs,
    }  # fmt: skip
    assert auto_play_refusal(policy, **args) is expected  # type: ignore[arg-type]


def test_speakers_serve_their_cameras_and_zones() -> None:
    site = speakers()
    assert [s.id for s in speakers_for(site, "cam1")] == ["spk-north", "spk-cam1"]
    assert [s.id for s in speakers_for(site, "cam1", "z2")] == ["spk-north"]  # spk-cam1 covers z1 only
    assert speakers_for(site, "cam9") == []


def test_a_speakers_password_never_shows_in_its_repr() -> None:
    from dataclasses import replace

    speaker = replace(speakers()[2], username="pa", password="s3cret!")
    assert "s3cret" not in repr(speaker)


def test_a_play_says_which_speakers_it_reached_and_why_not_the_others() -> None:
    clip = Clip("请勿占道经营", tone(0.2), "请勿占道经营，请自觉离开", "no_vending")
    play = play_of(
        clip,
        [Delivery("a", True), Delivery("b", False, DeliveryFailure.BUSY, "SIP/2.0 486 Busy Here")],
        by="张三", at=5.0, priority=VoicePriority.OPERATOR,
    )  # fmt: skip
    assert play.delivered == ("a",) and play.failures == (("b", "busy: SIP/2.0 486 Busy Here"),)
    assert VoicePlay.from_record(play.to_record()) == play


def test_an_alert_with_plays_and_a_ladder_survives_the_store_round_trip() -> None:
    from dataclasses import replace

    play = VoicePlay("请勿占道经营", "system", 5.0, VoicePriority.AUTOMATIC, ("a",), ("a",), ladder_attempt=1)
    ladder = Ladder("a1", LadderStep.WAITING, attempt=1, since=5.0, until=65.0, delivered=1)
    alert = replace(detected("a1"), plays=(play,), ladder=ladder)
    assert alert_from_record(alert_to_record(alert)) == alert
    old = alert_to_record(detected("a1"))
    del old["plays"], old["ladder"], old["resolved_by_prompt"]  # a record stored before voice came
    assert alert_from_record(old).plays == () and alert_from_record(old).ladder is None


def test_the_audio_kept_is_a_wav_any_player_opens() -> None:
    import io
    import wave

    with wave.open(io.BytesIO(wav_bytes(tone(0.25)))) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth(), wav.getnframes()) == (
            8000,
            1,
            2,
            2000,
        )
