"""Detection in the GUI: zone editor, alerts panel, and detection results drawn on the wall."""
