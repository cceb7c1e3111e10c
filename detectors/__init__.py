"""Detectors and rules for CityWall: no Qt, never imports app; numpy + OpenCV (+ onnxruntime).

* ``detectors.registry`` — ``load(name, options)`` → a :class:`detectors.types.Detector`
  (built-ins: ``onnx_yolo``, ``ultralytics``, ``stationary``, ``motion``; more via the
  ``citywall.detectors`` entry-point group). Every detector returns ``(N, 6)`` float32
  ``[x1, y1, x2, y2, score, class]`` in the frame's pixels.
* ``detectors.types`` — zones, bin ROIs and masks in normalised coordinates per (camera, preset);
  hits and their evidence.
* ``detectors.rules`` — ``VendingRule`` and ``BinOverflowRule`` (dwell, hit ratio with hysteresis,
  cooldown; the sample time is passed in).
* ``detectors.bins`` — ``BinMonitor`` (change against clean references + a small classifier).
* ``detectors.evaluate`` / ``detectors.train`` — what ``citywall eval`` / ``citywall train`` call.
"""
