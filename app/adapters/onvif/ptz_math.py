"""The URIs of the ONVIF generic PTZ spaces (the arithmetic on them is :mod:`app.core.ptz_geometry`).

The client speaks only the generic spaces, which every ONVIF PTZ node supports.
"""

from __future__ import annotations

PAN_TILT_POSITION_GENERIC = "http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace"
ZOOM_POSITION_GENERIC = "http://www.onvif.org/ver10/tptz/ZoomSpaces/PositionGenericSpace"
PAN_TILT_TRANSLATION_GENERIC = "http://www.onvif.org/ver10/tptz/PanTiltSpaces/TranslationGenericSpace"
ZOOM_TRANSLATION_GENERIC = "http://www.onvif.org/ver10/tptz/ZoomSpaces/TranslationGenericSpace"
PAN_TILT_VELOCITY_GENERIC = "http://www.onvif.org/ver10/tptz/PanTiltSpaces/VelocityGenericSpace"
ZOOM_VELOCITY_GENERIC = "http://www.onvif.org/ver10/tptz/ZoomSpaces/VelocityGenericSpace"
PAN_TILT_SPEED_GENERIC = "http://www.onvif.org/ver10/tptz/PanTiltSpaces/GenericSpeedSpace"
ZOOM_SPEED_GENERIC = "http://www.onvif.org/ver10/tptz/ZoomSpaces/GenericSpeedSpace"
