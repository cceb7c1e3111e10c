#!/usr/bin/env python3
"""Trainable weights (.pt) for a shipped ONNX detector whose training run kept none.

``citywall train --from-verdicts`` fine-tunes the site's model from its ``.pt``; the shipped
``vending_yolo.onnx`` predates that. A re-run of scripts/train_vending_yolo.py is not the same
model (CPU training is not bit-reproducible; one re-run fired on 87 of 100 vtest frames where the
shipped one fires on 1). So the shipped ONNX's own weights are put back into the architecture:

* the ONNX holds every conv with its batch norm folded in (names as in PyTorch); they are copied
  into a model of the same architecture (``--template``: any .pt of it, e.g. from a re-run);
* each batch norm is given the statistics its conv really produces on real pictures (``--images``)
  and the scale/shift that make it compute exactly the folded conv: the model predicts as the ONNX
  does (checked), and fine-tuning, whose batch statistics match these, starts from it.

Runs in .venv-train:  .venv-train/bin/python scripts/vending_pt_from_onnx.py --template X.pt
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def letterboxed(path: Path, size: int) -> np.ndarray:
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise OSError(f"cannot read {path}")
    h, w = img.shape[:2]
    s = size / max(h, w)
    img = cv2.resize(img, (round(w * s), round(h * s)), interpolation=cv2.INTER_LINEAR)
    out = np.full((size, size, 3), 114, np.uint8)
    y, x = (size - img.shape[0]) // 2, (size - img.shape[1]) // 2
    out[y : y + img.shape[0], x : x + img.shape[1]] = img
    return np.ascontiguousarray(out[:, :, ::-1].transpose(2, 0, 1)).astype(np.float32) / 255.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--onnx", type=Path, default=ROOT / "resources" / "models" / "vending_yolo.onnx")
    ap.add_argument("--template", type=Path, required=True, help="a .pt of the same architecture")
    ap.add_argument("--images", type=Path, action="append", default=[], help="calibration pictures (folders)")
    ap.add_argument("--out", type=Path, default=ROOT / "resources" / "models" / "vending_yolo.pt")
    args = ap.parse_args()
    import onnx  # type: ignore[import-not-found, unused-ignore]
    import onnxruntime as ort  # type: ignore[import-untyped, import-not-found, unused-ignore]
    import torch  # type: ignore[import-not-found, unused-ignore]
    from onnx import numpy_helper  # type: ignore[import-not-found, unused-ignore]
    from ultralytics.nn.modules.conv import Conv  # type: ignore[import-not-found, unused-ignore]

    weights = {i.name: numpy_helper.to_array(i) for i in onnx.load(str(args.onnx)).graph.initializer}
    ckpt = torch.load(str(args.template), map_location="cpu", weights_only=False)
    model = ckpt["model"].float().eval()
    convs: dict[str, tuple[object, np.ndarray]] = {}
    used = 0
    for name, module in model.named_modules():
        if isinstance(module, Conv) and hasattr(module, "bn"):
            w, b = weights[f"{name}.conv.weight"], weights[f"{name}.conv.bias"]
            module.conv.weight.data = torch.from_numpy(w.copy())
            bn = module.bn
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)  # first: BN = identity + the folded bias (exact)
            bn.weight.data.fill_(1.0)
            bn.bias.data = torch.from_numpy(b.copy())
            convs[name] = (module, b)
            used += 2
        elif isinstance(module, torch.nn.Conv2d) and f"{name}.weight" in weights:
            if name.endswith(".conv") and name[: -len(".conv")] in convs:
                continue
            module.weight.data = torch.from_numpy(weights[f"{name}.weight"].copy())
            used += 1
            if module.bias is not None:
                module.bias.data = torch.from_numpy(weights[f"{name}.bias"].copy())
                used += 1
    params = [k for k in weights if k.startswith("model.")]
    if used != len(params):
        print(f"copied {used} of the ONNX's {len(params)} weights: architectures differ", file=sys.stderr)
        return 1
    size = 320
    files = [
        p for d in args.images for p in sorted(Path(d).rglob("*")) if p.suffix.lower() in (".jpg", ".png")
    ]
    batch = torch.from_numpy(np.stack([letterboxed(p, size) for p in files]))
    # the statistics each conv's output really has (the model is exact so far)
    stats: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}
    hooks = []
    for name, (module, _) in convs.items():

        def hook(_m: object, _i: object, out: torch.Tensor, name: str = name) -> None:
            stats[name] = (out.mean(dim=(0, 2, 3)), out.var(dim=(0, 2, 3), unbiased=False))

        hooks.append(module.conv.register_forward_hook(hook))  # type: ignore[attr-defined]
    with torch.no_grad():
        model(batch)
    for h in hooks:
        h.remove()
    for name, (module, b) in convs.items():
        mean, var = stats[name]
        bn = module.bn  # type: ignore[attr-defined]
        bn.running_mean.copy_(mean)
        bn.running_var.copy_(var)
        bn.weight.data = torch.sqrt(var + bn.eps)
        bn.bias.data = mean + torch.from_numpy(b.copy())
    # check: the same output as the ONNX
    sess = ort.InferenceSession(str(args.onnx), providers=["CPUExecutionProvider"])
    probe = batch[:4]
    ref = np.concatenate(
        [sess.run(None, {sess.get_inputs()[0].name: probe[i : i + 1].numpy()})[0] for i in range(4)]
    )
    with torch.no_grad():
        ours = model(probe)
    ours = (ours[0] if isinstance(ours, (list, tuple)) else ours).numpy()
    diff = float(np.abs(ours - ref).max())
    print(f"max |pt - onnx| on {len(probe)} pictures: {diff:.5f} (of outputs up to {np.abs(ref).max():.1f})")
    if diff > 1e-2 * max(1.0, float(np.abs(ref).max())):
        return 1
    ckpt.update({"model": model.half(), "ema": None, "optimizer": None, "updates": None, "epoch": -1})
    ckpt["train_args"] = {**dict(ckpt.get("train_args") or {}), "note": f"weights of {args.onnx.name}"}
    torch.save(ckpt, str(args.out))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB) from {len(files)} calibration pictures")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
