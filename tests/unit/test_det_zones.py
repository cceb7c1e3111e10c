"""Zones in normalised coordinates, bottom-centre membership, masks."""

from __future__ import annotations

import numpy as np
import pytest

from detectors.types import BinRoi, Mask, SceneGeometry, Zone, ZoneKind
from detectors.zones import apply_masks, drop_masked, in_zone, mask_image, points_in_polygon, select_classes

SQUARE = ((0.25, 0.25), (0.75, 0.25), (0.75, 0.75), (0.25, 0.75))


def test_points_in_polygon_including_edges_and_concave_shapes() -> None:
    square = np.array([[0, 0], [10, 0], [10, 10], [0, 10]], float)
    pts = np.array([[5, 5], [0, 5], [10, 10], [10.001, 5], [-1, -1], [5, 0]], float)
    assert points_in_polygon(pts, square).tolist() == [True, True, True, False, False, True]
    u_shape = np.array([[0, 0], [3, 0], [3, 8], [7, 8], [7, 0], [10, 0], [10, 10], [0, 10]], float)
    assert points_in_polygon([[5, 4], [5, 9], [1, 1], [8, 1]], u_shape).tolist() == [False, True, True, True]


def test_membership_is_by_bottom_centre() -> None:
    zone = Zone("pavement", SQUARE)
    boxes = np.array(
        [
            [300, 100, 400, 300, 0.9, 0],  # top outside, foot (350, 300) inside
            [300, 300, 400, 500, 0.9, 0],  # top inside, foot (350, 500) outside
            [100, 200, 150, 260, 0.9, 0],  # entirely left of the zone
        ],
        np.float32,
    )
    assert in_zone(boxes, zone, 640, 480).tolist() == [True, False, False]


def test_zones_survive_a_change_of_resolution() -> None:
    zone = Zone("z", SQUARE)
    box = np.array([[0.4, 0.3, 0.6, 0.6, 1, 0]], np.float32)
    for w, h in [(352, 288), (704, 576), (1920, 1080)]:
        scaled = box.copy()
        scaled[:, [0, 2]] *= w
        scaled[:, [1, 3]] *= h
        assert in_zone(scaled, zone, w, h).tolist() == [True]


def test_geometry_validation() -> None:
    with pytest.raises(ValueError, match="outside the normalised image"):
        Zone("z", ((0, 0), (1.2, 0), (1, 1)))
    with pytest.raises(ValueError, match="at least 3 points"):
        Zone("z", ((0, 0), (1, 1)))
    with pytest.raises(ValueError, match="duplicate ids"):
        SceneGeometry("cam", "1", zones=(Zone("a", SQUARE), Zone("a", SQUARE)))
    with pytest.raises(ValueError, match="x2 > x1"):
        BinRoi("b", (0.5, 0.5, 0.4, 0.6))
    assert Zone("z", SQUARE, kind="no_vending").kind is ZoneKind.NO_VENDING  # type: ignore[arg-type]
    b = BinRoi("b", (0.1, 0.2, 0.3, 0.6))
    assert b.line == pytest.approx(0.2)  # the overflow line defaults to the top of the box


def test_masks_blank_the_osd_and_drop_boxes_standing_in_them() -> None:
    osd = Mask(((0.0, 0.0), (0.5, 0.0), (0.5, 0.1), (0.0, 0.1)), "timestamp")
    valid = mask_image(200, 100, [osd])
    assert valid[5, 10] == 0 and valid[50, 150] == 255
    frame = np.full((100, 200, 3), 200, np.uint8)
    blanked = apply_masks(frame, [osd])
    assert (blanked[2, 2] == 0).all() and (blanked[50, 150] == 200).all()
    boxes = np.array([[10, 0, 40, 8, 0.9, 0], [10, 40, 40, 80, 0.9, 0]], np.float32)
    assert drop_masked(boxes, [osd], 200, 100)[:, 3].tolist() == [80.0]


def test_select_classes() -> None:
    boxes = np.array([[0, 0, 1, 1, 0.9, 0], [0, 0, 1, 1, 0.9, 2]], np.float32)
    assert select_classes(boxes, [2])[:, 5].tolist() == [2.0]
    assert len(select_classes(boxes, None)) == 2
