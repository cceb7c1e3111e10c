"""The PTZ marks' look, shared by the wall's tiles and the camera tree: the "PTZ" badge of a PTZ
camera and the colours of the tag that says who steers or has locked it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

# (text, background): teal, unlike the state badges (green/amber/red) and the alert tag (red).
PTZ_COLOURS = (QColor(255, 255, 255), QColor(20, 120, 140))
PTZ_MINE = (QColor(255, 255, 255), QColor(30, 110, 200))  # this operator steers or holds the lock
PTZ_OTHER = (QColor(30, 24, 0), QColor(245, 190, 60))  # someone else (or a patrol) has the camera


def ptz_label() -> str:
    return QCoreApplication.translate("Wall", "PTZ")
