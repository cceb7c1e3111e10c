"""Alert triage for operators and shift leaders: the list, its keys, history search, the alarm
sound and window, and the shift hand-over."""
