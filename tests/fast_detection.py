"""Detection settings that decide in seconds instead of minutes, for tests with a real worker: a
stationary detector that learns fast and a vending rule with a short dwell."""

from __future__ import annotations

from camera_config.models import DetectionSettings


def fast_vending_settings(revisit_s: float, dwell_s: float) -> DetectionSettings:
    return DetectionSettings(
        revisit_s=revisit_s,
        warmup_s=0,
        detectors={"stationary": {"short_absorb_s": 1.0, "confirm_s": 1.5, "warmup_s": 2.0}},
        rules={
            "vending": {
                "persistence": {
                    "dwell_s": dwell_s,
                    "window_s": dwell_s,
                    "clear_window_s": 5.0,
                    "cooldown_s": 120.0,
                    "min_samples": 3,
                    "max_gap_s": 60.0,
                },
                "appearance": {"reference_checks": 1},  # the zone's clean picture: the first check
            }
        },
    )
