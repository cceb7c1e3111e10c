"""Voice prompts in the operator's UI: pushing prompts, live talk, the ladder on alerts and tiles."""
