"""Speakers and the voice policy in the site file: what the core gets, and every mistake named by
file, line and field, with no password ever in an error, a repr or the summary."""

from __future__ import annotations

from datetime import time as clock_time
from pathlib import Path

import pytest

from app.cli import main
from app.core.alerts import Rule
from app.core.voice import Codec, DeliveryKind, QuietHours, VoicePolicy
from app.core.voice_ladder import LadderConfig
from app.services.voice_config import ladder_config, speakers, voice_policy, zone_problems
from camera_config.issues import ConfigError, ConfigIssue
from camera_config.loader import load_site, load_site_report
from camera_config.models import SiteConfig, ZoneSpec
from camera_config.site_writer import create_site
from camera_config.voice import LADDER_DEFAULTS, POLICY_DEFAULTS, RULE_NAMES, SpeakerSpec

SECRET = "Pa5s#NotARealOne!7"
CAM_SECRET = "Cam#NotARealOne!3"
ENV = {"PA_SIP_PASSWORD": SECRET, "PA_HTTP_PASSWORD": SECRET, "CAM_1_PASSWORD": CAM_SECRET}

SITE = """\
version: 1
site: {name: 示范街道}
cameras:
  - id: cam-1
    name: 菜场东门
    source: {kind: rtsp, main: "rtsp://10.0.0.1:554/main", sub: "rtsp://10.0.0.1:554/sub"}
    credentials: {username: admin, password_env: CAM_1_PASSWORD}
    detection:
      zones:
        - {id: gate, polygon: [[0, 0], [1, 0], [1, 1]]}
        - {id: bin-1, kind: bin, polygon: [[0, 0], [1, 0], [1, 1]], overflow_line: 0.5}
  - id: cam-2
    name: 公交站
    source: {kind: onvif, endpoint: "http://10.0.0.2/onvif/device_service"}
speakers:
  - id: pa-multicast
    name: 东门广播
    kind: rtp
    address: rtp://239.0.1.10:5004
    ttl: 4
    codec: pcma
    cameras: [cam-1, cam-2]
    zones: [gate]
  - id: pa-sip
    kind: sip
    address: sip:paging@10.0.0.5:5060
    username: paging
    password_env: PA_SIP_PASSWORD
    cameras: [cam-2]
  - id: pa-http
    kind: http
    address: https://10.0.0.6/api/play
    username: admin
    password_env: PA_HTTP_PASSWORD
    volume: 80
    cameras: [cam-1]
  - id: cam-1-own
    kind: onvif_backchannel
    camera: cam-1
voice:
  defaults: {cooldown_s: 90, quiet_hours: "22:00-07:00", max_repeats: 4}
  rules:
    vending:
      auto_play: true
      cooldown_s: 60
      ladder: {enabled: true, wait_s: 100, recheck_s: 40}
      zones:
        gate: {cooldown_s: 30, quiet_hours: off, ladder: {wait_s: 50, prompt: no_vending_loud}}
    bin_overflow:
      ladder: {prompts: 1, create_case: false}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, snippet: str) -> int:
    """The 1-based line of the only occurrence of ``snippet``."""
    assert text.count(snippet) == 1, snippet
    return text[: text.index(snippet)].count("\n") + 1


def changed(old: str, new: str, text: str = SITE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def issues_of(path: Path, env: dict[str, str] | None = None) -> list[ConfigIssue]:
    with pytest.raises(ConfigError) as caught:
        load_site(path, ENV if env is None else env)
    text = str(caught.value)
    assert SECRET not in text and CAM_SECRET not in text and "Hunter2" not in text
    return caught.value.issues


def only_issue(issues: list[ConfigIssue], field: str) -> ConfigIssue:
    matches = [i for i in issues if i.path == field]
    assert len(matches) == 1, f"no single issue at {field}; got:\n" + "\n".join(map(str, issues))
    return matches[0]


# --- a valid file: the core's values -----------------------------------------------------------------


def test_speakers_become_the_cores_speakers_with_passwords_from_the_environment(tmp_path: Path) -> None:
    site = load_site(write(tmp_path, SITE), ENV)
    multicast, sip, http, own = speakers(site)
    assert multicast.kind is DeliveryKind.RTP and multicast.address == "rtp://239.0.1.10:5004"
    assert (multicast.codec, multicast.ttl, multicast.name) == (Codec.PCMA, 4, "东门广播")
    assert multicast.cameras == ("cam-1", "cam-2") and multicast.zones == ("gate",)
    assert multicast.serves("cam-1", "gate") and not multicast.serves("cam-1", "bin-1")
    assert (sip.kind, sip.username, sip.password, sip.codec) == (
        DeliveryKind.SIP,
        "paging",
        SECRET,
        Codec.PCMU,
    )
    assert sip.name == "pa-sip"  # no name: its id
    assert (http.kind, http.volume, http.password) == (DeliveryKind.HTTP, 80, SECRET)
    # A camera's own speaker: the camera's main RTSP URL and its login.
    assert own.kind is DeliveryKind.BACKCHANNEL and own.address == "rtsp://10.0.0.1:554/main"
    assert (own.username, own.password, own.cameras) == ("admin", CAM_SECRET, ("cam-1",))
    # One speaker serves several cameras; a camera has several speakers.
    from app.core.voice import speakers_for

    assert [s.id for s in speakers_for(speakers(site), "cam-1")] == ["pa-multicast", "pa-http", "cam-1-own"]
    for text in (repr(site), repr(speakers(site)), str(site.speakers)):
        assert SECRET not in text and CAM_SECRET not in text


def test_voice_policy_and_ladder_zone_beats_rule_beats_defaults(tmp_path: Path) -> None:
    site = load_site(write(tmp_path, SITE), ENV)
    night = QuietHours(clock_time(22, 0), clock_time(7, 0))
    rule = voice_policy(site, Rule.VENDING)
    assert rule == VoicePolicy(
        auto_play=True, prompt_id="no_vending", cooldown_s=60.0, quiet_hours=night, max_repeats=4
    )
    assert voice_policy(site, Rule.VENDING, "elsewhere") == rule  # a zone without settings: the rule's
    zone = voice_policy(site, Rule.VENDING, "gate")
    assert (zone.cooldown_s, zone.quiet_hours, zone.auto_play) == (30.0, None, True)  # 'off' beats the night
    assert ladder_config(site, Rule.VENDING) == LadderConfig(
        enabled=True, prompts=2, wait_s=100.0, recheck_s=40.0, create_case=True, prompt_id="no_vending"
    )
    gate = ladder_config(site, Rule.VENDING, "gate")
    assert (gate.wait_s, gate.recheck_s, gate.prompt_id, gate.enabled) == (
        50.0,
        40.0,
        "no_vending_loud",
        True,
    )
    # bin_overflow: its own prompt by default, the defaults section for the rest.
    bins = voice_policy(site, Rule.BIN_OVERFLOW, "bin-1")
    assert (bins.prompt_id, bins.auto_play, bins.cooldown_s, bins.quiet_hours) == (
        "litter",
        False,
        90.0,
        night,
    )
    assert ladder_config(site, Rule.BIN_OVERFLOW) == LadderConfig(
        enabled=False, prompts=1, create_case=False, prompt_id="litter"
    )
    assert night.contains(clock_time(23, 30)) and not night.contains(clock_time(12, 0))


def test_without_a_voice_section_the_cores_defaults_hold(tmp_path: Path) -> None:
    site = load_site(write(tmp_path, SITE[: SITE.index("speakers:")]), ENV)
    assert site.speakers == () and speakers(site) == ()
    assert voice_policy(site, Rule.VENDING, "gate") == VoicePolicy()
    assert ladder_config(site, Rule.VENDING) == LadderConfig()
    assert voice_policy(site, Rule.BIN_OVERFLOW) == VoicePolicy(prompt_id="litter")
    assert ladder_config(site, Rule.BIN_OVERFLOW) == LadderConfig(prompt_id="litter")
    # The config's defaults are the core's, field for field.
    assert POLICY_DEFAULTS.__dict__ == {
        "auto_play": VoicePolicy().auto_play, "prompt": VoicePolicy().prompt_id,
        "cooldown_s": VoicePolicy().cooldown_s, "quiet_hours": VoicePolicy().quiet_hours,
        "max_repeats": VoicePolicy().max_repeats,
    }  # fmt: skip
    core = LadderConfig()
    assert (LADDER_DEFAULTS.enabled, LADDER_DEFAULTS.prompts, LADDER_DEFAULTS.wait_s) == (
        core.enabled, core.prompts, core.wait_s,
    )  # fmt: skip
    assert (LADDER_DEFAULTS.recheck_s, LADDER_DEFAULTS.create_case) == (core.recheck_s, core.create_case)
    assert set(RULE_NAMES) == {r.value for r in Rule}


def test_an_unknown_rule_is_a_programming_error(tmp_path: Path) -> None:
    site = load_site(write(tmp_path, SITE), ENV)
    with pytest.raises(ValueError, match="no voice settings for rule 'bins'"):
        voice_policy(site, "bins")


def test_a_site_written_by_citywall_reads_back_the_same(tmp_path: Path) -> None:
    site = load_site(write(tmp_path, SITE), resolve_secrets=False)  # as CityWall writes files
    copy = tmp_path / "copy" / "site.yaml"
    copy.parent.mkdir()
    saved = create_site(site, copy).site
    assert saved.speakers == site.speakers and saved.voice == site.voice
    text = copy.read_text(encoding="utf-8")
    assert SECRET not in text and CAM_SECRET not in text and "PA_SIP_PASSWORD" in text


# --- mistakes: each named by file, line and field ----------------------------------------------------

BAD = [
    # (what, old, new, field, the line written, words of the message)
    ("unknown camera", "cameras: [cam-1, cam-2]", "cameras: [cam-1, cam-9]",
     "speakers[0].cameras[1]", "cameras: [cam-1, cam-9]", "unknown camera 'cam-9'"),
    ("unknown own camera", "camera: cam-1\n", "camera: cam-7\n",
     "speakers[3].camera", "camera: cam-7", "unknown camera 'cam-7'"),
    ("rtp without a port", "rtp://239.0.1.10:5004", "rtp://239.0.1.10",
     "speakers[0].address", "rtp://239.0.1.10", "rtp://host:port"),
    ("rtp with a path", "rtp://239.0.1.10:5004", "rtp://239.0.1.10:5004/stream",
     "speakers[0].address", "rtp://239.0.1.10:5004/stream", "rtp://host:port"),
    ("rtp as http", "rtp://239.0.1.10:5004", "http://239.0.1.10:5004",
     "speakers[0].address", "http://239.0.1.10:5004", "rtp://host:port"),
    ("rtp with a password", "rtp://239.0.1.10:5004", "rtp://u:Hunter2@239.0.1.10:5004",
     "speakers[0].address", "rtp://u:Hunter2@", "must not carry a user name or password"),
    ("sip without a user", "sip:paging@10.0.0.5:5060", "sip:10.0.0.5:5060",
     "speakers[1].address", "sip:10.0.0.5:5060", "sip:user@host"),
    ("sip with a password", "sip:paging@10.0.0.5:5060", "sip:paging:Hunter2@10.0.0.5:5060",
     "speakers[1].address", "sip:paging:Hunter2", "must not carry a password"),
    ("sip with a bad port", "sip:paging@10.0.0.5:5060", "sip:paging@10.0.0.5:99999",
     "speakers[1].address", "sip:paging@10.0.0.5:99999", "invalid port"),
    ("http with a password", "https://10.0.0.6/api/play", "https://admin:Hunter2@10.0.0.6/api/play",
     "speakers[2].address", "https://admin:Hunter2@", "must not carry a user name or password"),
    ("http as ftp", "https://10.0.0.6/api/play", "ftp://10.0.0.6/api/play",
     "speakers[2].address", "ftp://10.0.0.6", "http, https"),
    ("back-channel as http", "    camera: cam-1\n", "    address: http://10.0.0.1/audio\n",
     "speakers[3].address", "address: http://10.0.0.1/audio", "rtsp, rtsps"),
    ("back-channel of an ONVIF camera", "    camera: cam-1\n", "    camera: cam-2\n",
     "speakers[3].camera", "camera: cam-2", "write the camera's RTSP URL in `address`"),
    ("camera on an rtp speaker", "    ttl: 4\n", "    ttl: 4\n    camera: cam-1\n",
     "speakers[0].camera", "camera: cam-1\n    codec", "lists the cameras it serves in `cameras:`"),
    ("no address", "    address: https://10.0.0.6/api/play\n", "",
     "speakers[2].address", "  - id: pa-http", "needs `address`"),
    ("ttl on sip", "    username: paging\n", "    username: paging\n    ttl: 3\n",
     "speakers[1].ttl", "ttl: 3", "rtp speakers only"),
    ("password without a user", "    username: paging\n", "",
     "speakers[1].password_env", "password_env: PA_SIP_PASSWORD", "needs `username`"),
    ("zones without cameras", "    cameras: [cam-2]\n", "    zones: [gate]\n",
     "speakers[1].zones", "    zones: [gate]\n  - id: pa-http", "`zones` needs `cameras`"),
    ("a literal password", "    password_env: PA_HTTP_PASSWORD\n", "    password: Hunter2\n",
     "speakers[2].password", "password: Hunter2", "never written in the site file"),
    ("a missing variable", "password_env: PA_HTTP_PASSWORD", "password_env: PA_UNSET_PASSWORD",
     "speakers[2].password_env", "password_env: PA_UNSET_PASSWORD",
     "environment variable PA_UNSET_PASSWORD is not set"),
    ("a bad codec", "codec: pcma", "codec: opus", "speakers[0].codec", "codec: opus", "'pcmu' or 'pcma'"),
    ("a bad kind", "kind: sip", "kind: phone", "speakers[1].kind", "kind: phone", "'rtp', 'sip'"),
    ("a duplicate id", "id: pa-sip", "id: pa-http", "speakers[2].id", "  - id: pa-http\n    kind: http",
     "duplicate speaker id 'pa-http' (first used by speakers[1] on line"),
    ("loud volume", "volume: 80", "volume: 180",
     "speakers[2].volume", "volume: 180", "less than or equal to 100"),
    ("quiet hours out of the day", '"22:00-07:00"', '"25:00-07:00"',
     "voice.defaults.quiet_hours", "defaults:", "00:00 to 23:59"),
    ("quiet hours without an end", '"22:00-07:00"', '"22:00"',
     "voice.defaults.quiet_hours", "defaults:", "'HH:MM-HH:MM'"),
    ("quiet hours as a number", 'quiet_hours: "22:00-07:00"', "quiet_hours: 22:00",
     "voice.defaults.quiet_hours", "defaults:", "YAML read this as the number 1320"),
    ("empty quiet hours", '"22:00-07:00"', '"07:00-07:00"',
     "voice.defaults.quiet_hours", "defaults:", "end when they start"),
    ("a negative wait", "wait_s: 100", "wait_s: -5",
     "voice.rules.vending.ladder.wait_s", "wait_s: -5", "greater than or equal to 0"),
    ("a negative recheck", "recheck_s: 40", "recheck_s: -1",
     "voice.rules.vending.ladder.recheck_s", "recheck_s: -1", "greater than or equal to 0"),
    ("a negative zone wait", "ladder: {wait_s: 50", "ladder: {wait_s: -50",
     "voice.rules.vending.zones.gate.ladder.wait_s", "gate:", "greater than or equal to 0"),
    ("a negative cooldown", "cooldown_s: 60", "cooldown_s: -60",
     "voice.rules.vending.cooldown_s", "cooldown_s: -60", "greater than or equal to 0"),
    ("no prompts", "ladder: {prompts: 1", "ladder: {prompts: 0",
     "voice.rules.bin_overflow.ladder.prompts", "ladder: {prompts: 0", "greater than or equal to 1"),
    ("no repeats", "max_repeats: 4", "max_repeats: 0",
     "voice.defaults.max_repeats", "defaults:", "greater than or equal to 1"),
    ("a rule by the detector's name", "    bin_overflow:\n", "    bins:\n",
     "voice.rules.bins", "bins:", "allowed keys here: vending, bin_overflow"),
    ("a typo in a zone's ladder", "prompt: no_vending_loud}", "prompt: no_vending_loud, wiat_s: 3}",
     "voice.rules.vending.zones.gate.ladder.wiat_s", "gate:", "allowed keys here: enabled, prompts"),
]  # fmt: skip


@pytest.mark.parametrize(("what", "old", "new", "field", "written", "words"), BAD, ids=[b[0] for b in BAD])
def test_each_mistake_is_named_by_file_line_and_field(
    tmp_path: Path, what: str, old: str, new: str, field: str, written: str, words: str
) -> None:
    text = changed(old, new)
    path = write(tmp_path, text)
    issue = only_issue(issues_of(path), field)
    assert issue.file == path and issue.line == line_of(text, written), str(issue)
    assert words in issue.message, str(issue)
    assert str(issue).startswith(f"{path}:{issue.line}:")


GOOD_ADDRESSES = [
    ("rtp", "rtp://[ff02::1]:5004", True),
    ("rtp", "rtp://239.255.0.1:5004", True),
    ("rtp", "rtp://10.0.0.21:6000", False),
    ("rtp", "rtp://speaker-01.street.local:5004", False),
    ("sip", "sip:pa@10.0.0.5", False),
    ("sip", "sips:pa.east@speaker.local:5061", False),
    ("sip", "sip:801@[2001:db8::1]:5060", False),
    ("onvif_backchannel", "rtsp://10.0.0.1:554/Streaming/Channels/101?transportmode=unicast", False),
    ("http", "http://10.0.0.6:8080/api/play", False),
]


@pytest.mark.parametrize(("kind", "address", "multicast"), GOOD_ADDRESSES)
def test_the_addresses_speakers_take(kind: str, address: str, multicast: bool) -> None:
    spec = SpeakerSpec.model_validate({"id": "s", "kind": kind, "address": address, "cameras": ["c"]})
    assert spec.address == address and spec.multicast is multicast


def test_a_speaker_mistake_is_reported_beside_other_problems_in_one_pass(tmp_path: Path) -> None:
    """The site's other fields have a problem too: the speakers' references are still checked."""
    text = changed("cameras: [cam-1, cam-2]", "cameras: [cam-1, cam-9]")
    text = changed("name: 公交站", "name: 公交站\n    enabled: maybe", text)
    text = changed("password_env: PA_HTTP_PASSWORD", "password: Hunter2", text)
    issues = issues_of(write(tmp_path, text))
    assert only_issue(issues, "cameras[1].enabled").line == line_of(text, "enabled: maybe")
    assert only_issue(issues, "speakers[0].cameras[1]").line == line_of(text, "cameras: [cam-1, cam-9]")
    assert only_issue(issues, "speakers[2].password").line == line_of(text, "password: Hunter2")


def test_the_missing_variables_are_named_and_the_others_never_printed(tmp_path: Path) -> None:
    issues = issues_of(write(tmp_path, SITE), {"CAM_1_PASSWORD": CAM_SECRET})
    assert [i.path for i in issues] == ["speakers[1].password_env", "speakers[2].password_env"]
    assert all("is not set" in i.message for i in issues)
    site = load_site(write(tmp_path, SITE), {}, resolve_secrets=False)  # e.g. checked elsewhere
    assert all(s.password is None for s in speakers(site))


def test_zones_the_file_does_not_draw_are_warnings_with_their_line(tmp_path: Path) -> None:
    """Zones drawn in CityWall live beside the shared views, not in the file: the loader warns."""
    text = changed("zones: [gate]", "zones: [gat]")
    text = changed("    bin_overflow:\n", "    bin_overflow:\n      zones: {gate: {auto_play: true}}\n", text)
    text = changed(
        "        gate: {cooldown_s: 30",
        "        zone-9: {cooldown_s: 1}\n        gate: {cooldown_s: 30",
        text,
    )
    site, warnings = load_site_report(write(tmp_path, text), ENV)
    by_field = {w.path: w for w in warnings}
    assert set(by_field) == {
        "speakers[0].zones[0]",
        "voice.rules.vending.zones.zone-9",
        "voice.rules.bin_overflow.zones.gate",
    }
    assert by_field["speakers[0].zones[0]"].line == line_of(text, "zones: [gat]")
    assert "zone 'gat' is on none of this speaker's cameras (cam-1, cam-2); their zones: bin-1, gate" in (
        by_field["speakers[0].zones[0]"].message
    )
    assert "unknown zone 'zone-9'" in by_field["voice.rules.vending.zones.zone-9"].message
    assert (
        "bin_overflow alerts come from bin zones" in by_field["voice.rules.bin_overflow.zones.gate"].message
    )
    assert all("zone editor" in w.message for w in warnings)
    # At run time the zones in use are known: one drawn in CityWall is fine, a typo is not.
    drawn = ZoneSpec(id="gat", polygon=((0, 0), (1, 0), (1, 1)))
    bin_zone = ZoneSpec(id="gate", kind="bin", polygon=((0, 0), (1, 0), (1, 1)), overflow_line=0.5)
    problems = zone_problems(site, {"cam-1": [drawn, bin_zone]})
    assert problems == [
        "voice.rules.vending.zones.zone-9: unknown zone 'zone-9': no camera has a zone with this id; "
        "no_vending zones: gat",
        "voice.rules.vending.zones.gate: zone 'gate' is a bin zone on every camera that has it; vending "
        "alerts come from no_vending zones",
    ]


# --- config check ---------------------------------------------------------------------------------


def test_config_check_lists_speakers_and_their_cameras_never_a_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    text = SITE.replace("cameras: [cam-1]\n", "cameras: []\n")  # the http speaker serves nothing
    path = write(tmp_path, text)
    code = main(["config", "check", str(path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert SECRET not in out + err and CAM_SECRET not in out + err
    assert "speakers: 4" in out
    multicast = "rtp rtp://239.0.1.10:5004 (multicast, ttl 4), pcma → cam-1, cam-2 (zones gate)"
    assert f"  pa-multicast 东门广播: {multicast}" in out
    assert "  pa-sip: sip sip:paging@10.0.0.5:5060, pcmu → cam-2" in out
    assert "  pa-http: http https://10.0.0.6/api/play, pcmu → no camera" in out
    assert (
        "  cam-1-own: onvif_backchannel rtsp://10.0.0.1:554/main (camera cam-1's own speaker), pcmu → cam-1"
        in out
    )
    assert "cameras without a speaker: none" in out
    assert (
        "voice vending: auto-play on, prompt no_vending, ladder on (2 prompts, wait 100 s, recheck 40 s, "
        "then a case); zones with their own settings: gate" in out
    )
    assert "voice bin_overflow: auto-play off, prompt litter, ladder off" in out
    assert "secrets: 3 referenced, all set (CAM_1_PASSWORD, PA_HTTP_PASSWORD, PA_SIP_PASSWORD)" in out
    hints = [line for line in out.splitlines() if line.startswith("hint: ") and "speaker" in line]
    assert hints == [
        f"hint: {path}:{line_of(text, '  - id: pa-http')}:5: speakers[2]: speaker pa-http serves no camera, "
        "so no alert or tile reaches it (only a broadcast to every speaker does); list the cameras it "
        "serves in `cameras:`"
    ]


def test_config_check_hints_at_a_ladder_the_cooldown_would_hold_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    text = changed("wait_s: 100, recheck_s: 40}", "wait_s: 45, recheck_s: 40, prompts: 5}")
    path = write(tmp_path, text)
    assert main(["config", "check", str(path)]) == 0
    hints = [line for line in capsys.readouterr().out.splitlines() if "ladder" in line and "hint" in line]
    rule = line_of(text, "    vending:")
    assert hints == [
        f"hint: {path}:{rule}:5: voice.rules.vending: the vending ladder waits 45 s after a prompt, "
        "less than the 60 s cooldown_s lets a speaker rest: the cooldown would hold back its next "
        "prompt; make cooldown_s shorter than wait_s",
        f"hint: {path}:{rule}:5: voice.rules.vending: the vending ladder plays 5 prompts but max_repeats "
        "allows 4 automatic prompts for an alert: the last would not play",
    ]  # the zone gate waits 50 s, rests 30 s, and only inherits the repeats: not said again


def test_the_example_files_speakers_and_voice_are_valid_once_uncommented() -> None:
    example = Path(__file__).parents[2] / "camera_config" / "examples" / "site.example.yaml"
    text = example.read_text(encoding="utf-8")
    block = text[text.index("# speakers:") :]
    plain = "\n".join(line[2:] if line.startswith("# ") else line for line in block.splitlines())
    env = {f"CITYWALL_CAM_{n}_PASSWORD": "x" for n in ("BS_001", "BS_002", "XX_001", "XX_002")}
    env |= {"CITYWALL_PA_XIXI_1_PASSWORD": "y", "CITYWALL_PA_XIXI_2_PASSWORD": "z"}
    from camera_config.loader import parse_site_text

    site, warnings = parse_site_text(text + "\n" + plain, example, env)
    assert warnings == [] and len(site.speakers) == 4
    assert {s.kind for s in speakers(site)} == set(DeliveryKind)
    assert ladder_config(site, Rule.VENDING).enabled and not ladder_config(site, Rule.BIN_OVERFLOW).enabled
    assert isinstance(site, SiteConfig)
