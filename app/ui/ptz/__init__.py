"""PTZ control in the interface: the PTZ panel, preset thumbnails, the USB joystick, the patrol editor."""
