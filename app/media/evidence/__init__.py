"""Evidence an operator can read: the alert's still (main stream, boxes drawn, caption in a band
below the picture) and its clip (remuxed from a per-camera packet ring, never re-encoded)."""
