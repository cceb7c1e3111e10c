"""The voice prompt editor and the operator's own sound devices (preview, microphone)."""
