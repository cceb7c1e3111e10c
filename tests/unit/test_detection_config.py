from pathlib import Path

import pytest

from camera_config.loader import ConfigError, load_site

BASE = """\
site: {name: 示范区}
cameras:
  - id: cam001
    name: 菜市场北门
    source: {kind: rtsp, main: "rtsp://10.0.0.5/main"}
    detection:
      zones:
"""


def write(tmp_path: Path, zones: str) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(BASE + zones, encoding="utf-8")
    return path


def test_zones_bins_and_masks_load(tmp_path: Path) -> None:
    site = load_site(
        write(
            tmp_path,
            """\
        - {id: z1, name: 北门, kind: no_vending, polygon: [[0.1, 0.5], [0.6, 0.5], [0.6, 0.9], [0.1, 0.9]]}
        - {id: b1, kind: bin, polygon: [[0.7, 0.6], [0.8, 0.6], [0.8, 0.8], [0.7, 0.8]], overflow_line: 0.58}
        - {id: m1, kind: mask, polygon: [[0, 0], [0.3, 0], [0.3, 0.06]]}
""",
        )
    )
    detection = site.cameras[0].detection
    assert detection is not None and [z.kind for z in detection.zones] == ["no_vending", "bin", "mask"]
    assert site.detection.revisit_s == 10


@pytest.mark.parametrize(
    "zone, line, words",
    [
        ("- {id: z1, polygon: [[0.1, 0.5], [1.4, 0.5], [0.6, 0.9]]}", 8, "less than or equal to 1"),
        ("- {id: b1, kind: bin, polygon: [[0.7, 0.6], [0.8, 0.6], [0.8, 0.8]]}", 8, "overflow_line"),
        ("- {id: z1, polygon: [[0.1, 0.5], [0.6, 0.5]]}", 8, "at least 3"),
    ],
)
def test_bad_zones_name_the_line_and_say_why(tmp_path: Path, zone: str, line: int, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_site(write(tmp_path, f"        {zone}\n"))
    text = str(caught.value)
    assert f"site.yaml:{line}" in text and "detection.zones[0]" in text and words in text


def test_zone_ids_are_unique_per_camera(tmp_path: Path) -> None:
    zones = "        - {id: z1, polygon: [[0, 0], [1, 0], [1, 1]]}\n" * 2
    with pytest.raises(ConfigError, match="zone ids must be unique on a camera: z1"):
        load_site(write(tmp_path, zones))
