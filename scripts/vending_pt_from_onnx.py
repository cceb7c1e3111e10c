#!/usr/bin/env python3
"""Rebuild trainable PyTorch weights (.pt) from the shipped vending model's ONNX, to fine-tune it.

The shipped model exists only as ONNX (its training run's .pt was not kept). The export fused every
Conv+BatchNorm into one convolution with a bias, and kept ultralytics' parameter names. This script
builds the same architecture (detectors.yolo_worker.model_yaml, yolo11 at our "p" scale), copies the
fused weights in and "unfuses" each BatchNorm so that both modes stay faithful: the convolution's
output statistics (mean m, variance v per channel) are measured on the given pictures, and the BN gets
running_mean = m, running_var = v, weight = sqrt(v + eps), bias = fused bias + m. In eval mode that is
exactly the fused layer (checked against ONNX Runtime on a picture, printed); in training mode the
batch statistics are close to m and v, so fine-tuning starts from the shipped model, not a perturbed one.

Runs in the training venv:
    .venv-train/bin/python scripts/vending_pt_from_onnx.py --onnx resources/models/vending_yolo.onnx \
        --images DIR --out build/vending_shipped.pt
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--onnx", type=Path, default=ROOT / "resources" / "models" / "vending_yolo.onnx")
    ap.add_argument(
        "--images", type=Path, nargs="+", required=True, help="pictures to measure BN statistics on"
    )
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--imgsz", type=int, default=320)
    args = ap.parse_args()

    from detectors import ultra_env

    ultra_env.prepare(args.out.parent / "ultralytics-config")
    import cv2
    import numpy as np
    import onnx
    import onnxruntime as ort
    import torch
    from onnx import numpy_helper
    from ultralytics import YOLO
    from ultralytics.nn.modules import Conv

    from detectors.yolo_worker import model_yaml

    inits = {
        i.name: torch.from_numpy(numpy_helper.to_array(i).copy())
        for i in onnx.load(str(args.onnx)).graph.initializer
    }
    model = YOLO(str(model_yaml("yolo11", "p", 1, args.out.parent)), task="detect")
    net = model.model
    net.names = {0: "street_vendor"}
    used: set[str] = set()
    convs: list[tuple[str, Conv]] = []
    for name, mod in net.named_modules():
        if isinstance(mod, Conv) and f"{name}.conv.weight" in inits:
            mod.conv.weight.data.copy_(inits[f"{name}.conv.weight"])
            convs.append((name, mod))
            used |= {f"{name}.conv.weight", f"{name}.conv.bias"}
    for key, param in net.state_dict().items():  # plain convolutions of the head (with a bias) and the DFL
        if key in inits and key not in used:
            param.copy_(inits[key])
            used.add(key)
    missing = [k for k in inits if k.startswith("model.") and k not in used]
    if missing:
        raise SystemExit(f"ONNX weights not placed: {missing[:5]} … ({len(missing)})")

    # measure each fused conv's output (before its bias) on real pictures
    from ultralytics.data.augment import LetterBox

    lb = LetterBox((args.imgsz, args.imgsz), auto=False)
    paths = [
        p for d in args.images for p in sorted(Path(d).rglob("*")) if p.suffix.lower() in (".jpg", ".png")
    ]
    batch = []
    for p in paths[:64]:
        img = cv2.imread(str(p))
        if img is not None:
            batch.append(lb(image=img)[:, :, ::-1].transpose(2, 0, 1) / 255.0)
    x = torch.from_numpy(np.ascontiguousarray(np.stack(batch))).float()
    stats: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}
    hooks = []
    for name, mod in convs:
        mod.bn.running_mean.zero_()
        mod.bn.running_var.fill_(1.0 - mod.bn.eps)
        mod.bn.weight.data.fill_(1.0)
        mod.bn.bias.data.copy_(inits[f"{name}.conv.bias"])

        def hook(m: torch.nn.Module, inp: tuple[torch.Tensor], out: torch.Tensor, name: str = name) -> None:
            stats[name] = (out.mean((0, 2, 3)), out.var((0, 2, 3)))

        hooks.append(mod.conv.register_forward_hook(hook))
    net.eval()
    with torch.no_grad():
        net(x)
    for h in hooks:
        h.remove()
    for name, mod in convs:
        m, v = stats[name]
        b = inits[f"{name}.conv.bias"]
        mod.bn.running_mean.copy_(m)
        mod.bn.running_var.copy_(v)
        mod.bn.weight.data.copy_(torch.sqrt(v + mod.bn.eps))
        mod.bn.bias.data.copy_(b + m)

    # faithful? compare with ONNX Runtime on the first picture
    sess = ort.InferenceSession(str(args.onnx), providers=["CPUExecutionProvider"])
    ref = sess.run(None, {sess.get_inputs()[0].name: x[:1].numpy()})[0]
    with torch.no_grad():
        ours = net(x[:1])[0].numpy()
    err = float(np.abs(ours - ref).max())
    print(f"max |pt - onnx| on one picture: {err:.2e} (outputs up to {float(np.abs(ref).max()):.0f})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(str(args.out))
    print(f"wrote {args.out}")
    return 0 if err < 1e-2 * max(1.0, float(np.abs(ref).max())) else 1


if __name__ == "__main__":
    raise SystemExit(main())
