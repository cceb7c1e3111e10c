"""Voice prompts in the operator's UI: pushing prompts, live talk, the ladder on alerts and tiles,
the prompt editor and the operator's own sound devices (preview, microphone)."""
