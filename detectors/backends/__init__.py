"""Model backends: each turns a BGR frame into ``(N, 6)`` float32 detections in source pixels."""
