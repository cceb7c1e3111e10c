"""What one cell of the wall shows (its camera, frame, health, overlay and alert marks), and the
small geometry and state tests the compositor asks of it on every poll."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import cast

import numpy as np
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QImage, QRegion

from app.media.frame_board import BgraImage, FrameMeta, FrameRef
from app.media.supervisor import CameraHealth
from app.ui.wall.overlay import Box, shows_live


@dataclass(frozen=True)
class TileInfo:
    camera_id: str
    name: str
    grid_code: str | None = None
    group: str | None = None
    ptz: bool = False  # a PTZ camera: its tile and tree row carry the PTZ mark


class MarkTone(StrEnum):
    LADDER = "ladder"  # the escalation ladder is under way (its step and countdown)
    PLAYING = "playing"  # a prompt or live talk plays on the camera's speakers
    FAULT = "fault"  # a speaker of the camera is down


@dataclass(frozen=True)
class VoiceMark:
    """What a tile says about the loudspeakers at its camera, in one small badge."""

    text: str
    tone: MarkTone
    short: str = ""  # what a tile too narrow for ``text`` shows instead (the tone still says a fault)


@dataclass(frozen=True)
class PtzMark:
    """Who has a PTZ camera, on its tile: the operator steering it, or the lock and its time left."""

    text: str
    mine: bool  # this workstation's operator (shown calmer than someone else's hold)
    short: str = ""  # what a tile too narrow for ``text`` shows instead


@dataclass
class TileState:
    """What one cell of the wall shows right now."""

    info: TileInfo | None
    number: int = 0  # as typed on a CCTV keyboard, 1-based over all pages
    buffer: BgraImage | None = None  # the frame shown, in place in shared memory (see FrameRef)
    frame: FrameRef | None = None
    image: QImage | None = None
    count: int = 0  # frames seen from the tile (sub) stream
    count_main: int = 0  # and from the main stream while focused
    from_main: bool = False
    meta: FrameMeta | None = None
    health: CameraHealth | None = None
    boxes: list[Box] = field(default_factory=list)
    flash_until: float = 0.0
    awaiting: bool = False  # an alert on this camera nobody has taken yet: marked until someone does
    muted: bool = False  # an alert of this camera is snoozed: the tile says so while it lasts
    voice: VoiceMark | None = None  # the speakers' badge: ladder step and countdown, playing, down
    ptz_mark: PtzMark | None = None  # who steers or has locked this PTZ camera
    target: QRect | None = None  # where the picture goes in the tile (letterboxed)
    bars: list[QRect] = field(default_factory=list)  # the letterbox bars around it
    overlay: list[tuple[QPoint, QImage]] | None = None  # prepared overlay of a live tile
    overlay_key: tuple[object, ...] = ()  # what the prepared overlay shows
    overlay_clock: int = 0  # the capture second its clock shows
    clock_spill: list[QRect] = field(default_factory=list)  # the clock's place outside the picture
    health_key: tuple[object, ...] = ()  # what of its health the overlay was made for
    origin: QPoint | None = None  # where the picture is blitted 1:1; None when it must be scaled


def region_rects(region: QRegion) -> list[QRect]:
    """The rectangles of a region (PySide iterates QRegion; its type stubs do not say so)."""
    return list(cast(Iterable[QRect], region))


def fit_rect(width: int, height: int, box: QRect) -> QRect:
    """Centre a ``width`` × ``height`` picture in ``box`` keeping its aspect (letterbox)."""
    if width <= 0 or height <= 0:
        return QRect(box)
    scale = min(box.width() / width, box.height() / height)
    if 1.0 <= scale < 1.03:
        scale = 1.0  # decoded at tile size already: blit 1:1 instead of resampling for 2 pixels
    w, h = round(width * scale), round(height * scale)
    return QRect(box.left() + (box.width() - w) // 2, box.top() + (box.height() - h) // 2, w, h)


def picture_only(tile: TileState) -> bool:
    """Does a new frame of this tile change its picture alone (live, with a prepared overlay)?
    Boxes, labels and a flash over it are drawn again over the picture, clipped to it."""
    return tile.overlay is not None and tile.image is not None


def frame_only(tile: TileState) -> bool:
    """Can a new frame of this tile be painted over its last one (live, no boxes, no flash)?"""
    return (
        tile.overlay is not None
        and tile.image is not None
        and not tile.boxes
        and not tile.flash_until
        and not tile.awaiting
        and not tile.muted
        and tile.voice is None
        and tile.ptz_mark is None
    )


def overlay_key(health: CameraHealth) -> tuple[object, ...]:
    """What of a camera's health its tile shows (the capture clock follows the frames)."""
    fps = (round(health.fps), round(health.main_fps))
    return (health.state, health.reason, health.last_error, fps, health.attempts, shows_live(health))


def blank_ratio(image: BgraImage) -> float:
    """Share of near-black pixels; used by checks that a tile shows a picture."""
    grey = image[..., :3].max(axis=2)
    return int(np.count_nonzero(grey < 16)) / max(1, int(grey.size))
