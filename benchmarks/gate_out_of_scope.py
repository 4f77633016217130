"""How the input gate does, measured: ``python benchmarks/gate_out_of_scope.py [--model M] [--json OUT]``.

Builds a reproducible out-of-scope set from images that ship with well-known packages and from the
project's own data (nothing is downloaded; nothing is committed):
- photos and textures bundled in scikit-image (grey and colour, several crops each);
- documents: pages of text rendered with Pillow, and scikit-image's page and text;
- screenshots of this app (``docs/*.png``);
- other DICOM images: the test files bundled in pydicom (CT, MR, ultrasound...) and the abdominal
  film of ``../shared/datasets/dicom-samples``;
- test films turned 90°, 180°, 270°, flipped upside down, or inverted (the first 100 of the split);
- noise, gradients, checkerboards and blanks.
Then prints the share refused per category (and by which check), the share of the 624 official
test films and of the 16 full-resolution samples refused, the adult DICOM's status, and the time
the gate adds to a prediction. Thresholds are the model's (fixed on validation); this only scores.
"""

from __future__ import annotations

import argparse
import glob
import io
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from pneumo_core import ModelBundle, PneumoError, Predictor, Settings, load_image, texts
from pneumo_core.training.gate_fit import TRANSFORMS

ROOT = Path(__file__).resolve().parent.parent


def _png(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(array)).save(buf, format="PNG")
    return buf.getvalue()


def _crops(array: np.ndarray) -> list[np.ndarray]:
    h, w = array.shape[:2]
    return [array, array[: h * 3 // 4, : w * 3 // 4], array[h // 4:, w // 4:], array[h // 8: h * 7 // 8, w // 8: w * 7 // 8]]


def photos() -> list[bytes]:
    import skimage.data as d

    names = ["astronaut", "camera", "coffee", "chelsea", "moon", "horse", "hubble_deep_field", "immunohistochemistry",
             "rocket", "clock", "coins", "grass", "gravel", "brick", "colorwheel", "retina", "cat", "shepp_logan_phantom"]
    out = []
    for name in names:
        image = np.asarray(getattr(d, name)())
        image = image.astype(np.uint8) * 255 if image.dtype == bool else image
        if image.dtype != np.uint8:
            image = (255 * (image - image.min()) / (np.ptp(image) or 1)).astype(np.uint8)
        out += [_png(c) for c in _crops(image)]
    return out


def documents(n: int = 40) -> list[bytes]:
    import skimage.data as d

    rng = np.random.default_rng(0)
    words = ["patient", "report", "chest", "radiograph", "findings", "impression", "normal", "lungs", "heart",
             "size", "pleural", "effusion"]
    out = [_png(d.page()), _png(d.text())]
    for i in range(n):
        w, h = int(rng.integers(600, 1300)), int(rng.integers(800, 1700))
        page = Image.new("L", (w, h), int(rng.integers(215, 256)))
        draw = ImageDraw.Draw(page)
        for y in range(40, h - 40, int(rng.integers(14, 30))):
            draw.text((40, y), " ".join(rng.choice(words, int(rng.integers(4, 14)))), fill=int(rng.integers(0, 60)))
        if i % 4 == 0:
            draw.rectangle([w // 2, h // 3, w - 60, h // 2], outline=0, width=3)
        out.append(_png(np.asarray(page)))
    return out


def screenshots() -> list[bytes]:
    out = []
    for path in sorted((ROOT / "docs").glob("*.png")):
        image = np.asarray(Image.open(path).convert("RGB"))
        out += [_png(c) for c in _crops(image)]
    return out


def other_dicoms(dicom_dir: Path) -> list[bytes]:
    import pydicom.data

    folder = Path(pydicom.data.__file__).parent
    files = sorted(set(glob.glob(str(folder / "**" / "*.dcm"), recursive=True)))
    out = [Path(f).read_bytes() for f in files]
    out.append((dicom_dir / "abdomen-ot.dcm").read_bytes())
    return out


TURNS = {f"test films {name}": turn for name, turn in TRANSFORMS.items()}  # as the orientation check learnt them


def noise_and_blanks() -> list[bytes]:
    rng = np.random.default_rng(1)
    out = []
    for size in (224, 512, 1024):
        out += [_png(np.zeros((size, size), np.uint8)), _png(np.full((size, size), 255, np.uint8)),
                _png(np.full((size, size), 128, np.uint8)),
                _png(rng.integers(0, 256, (size, size), dtype=np.uint8)),
                _png(np.clip(rng.normal(128, 40, (size, size)), 0, 255).astype(np.uint8)),
                _png(np.tile(np.linspace(0, 255, size, dtype=np.uint8), (size, 1))),
                _png(((np.add.outer(np.arange(size) // 32, np.arange(size) // 32) % 2) * 255).astype(np.uint8)),
                _png(rng.integers(0, 256, (size, size, 3), dtype=np.uint8))]
    return out


def main(argv: list[str] | None = None) -> int:
    env = Settings.from_env()
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=str(env.model_path))
    ap.add_argument("--save", action="store_true", help="write the results into the model's bundle (the app shows them)")
    args = ap.parse_args(argv)
    predictor = Predictor(ModelBundle(args.model))
    if predictor.gate is None:
        sys.stderr.write("this model has no learned gate; run `python -m pneumo_core calibrate MODEL --gate` first\n")
    test_paths = sorted((env.data_dir / "test").glob("*/*.jpeg"))
    first = [load_image(p).pixels for p in test_paths[:100]]
    categories: dict[str, list] = {
        "photos and textures": photos(), "documents": documents(), "screenshots of this app": screenshots(),
        "other DICOM images": other_dicoms(env.dicom_dir), "noise, gradients and blanks": noise_and_blanks(),
        **{name: [np.ascontiguousarray(turn((im * 255).astype(np.uint8))) / 255.0 for im in first]
           for name, turn in TURNS.items()},
    }
    rows, by_check = {}, defaultdict(Counter)
    for name, items in categories.items():
        statuses = []
        for item in items:
            try:
                scored = predictor.score([item])[0].assessment
            except PneumoError:
                statuses.append("unreadable")
                continue
            statuses.append(scored.status)
            for finding in scored.findings:
                by_check[name][finding.reason.split(";")[0][:40]] += 1
        c = Counter(statuses)
        rows[name] = {"images": len(items), "refused or unreadable": (c["refused"] + c["unreadable"]) / len(items),
                      "caution": c["caution"] / len(items), "ok": c["ok"] / len(items)}
    in_scope = {texts.GATE_TEST_ROW: test_paths, "full-resolution samples (16)":
                sorted(env.fullres_dir.glob("*/*.jpeg"))}
    for name, paths in in_scope.items():
        scored = predictor.score(list(paths))
        statuses = Counter(s.assessment.status for s in scored)
        for s in scored:
            for finding in s.assessment.findings:
                by_check[name][finding.reason.split(";")[0][:40]] += 1
        rows[name] = {"images": len(paths), "refused or unreadable": (statuses["refused"] + statuses["unreadable"])
                      / len(paths), "caution": statuses["caution"] / len(paths), "ok": statuses["ok"] / len(paths)}
    adult = predictor.score([env.dicom_dir / "chest-dx-adult-nih.dcm"])[0].assessment
    image = load_image(test_paths[0])
    prepared = predictor.prepare(image)
    features = predictor.pooled_features([prepared])
    gate = predictor.gate
    steps = {
        "checks before the network (header, pixels, orientation)": lambda: predictor.prepare(image),
        "feature distance": lambda: gate.distances(features) if gate else None,
        "predict, whole (decode excluded)": lambda: predictor.score([image]),
    }
    timings = {}
    for label, step in steps.items():
        step()
        samples = []
        for _ in range(20):
            start = time.perf_counter()
            step()
            samples.append(time.perf_counter() - start)
        timings[label] = float(np.median(samples))
    out = sys.stdout
    out.write(f"model {predictor.meta.version}; thresholds from validation: {predictor.meta.gate.get('rules', {})}\n\n")
    out.write("| images | n | refused | caution | ok |\n|---|---|---|---|---|\n")
    for name, r in rows.items():
        out.write(f"| {name} | {r['images']} | {r['refused or unreadable']:.1%} | {r['caution']:.1%} | {r['ok']:.1%} |\n")
    out.write(f"\nadult DICOM (81 years): {adult.status} ({adult.reason})\n")
    out.write("\n| step (median of 20) | seconds |\n|---|---|\n" + "".join(f"| {k} | {v:.4f} |\n" for k, v in timings.items()))
    out.write("\nrefusals by reason (first words):\n")
    for name, counts in by_check.items():
        out.write(f"- {name}: " + "; ".join(f"{k}… {v}" for k, v in counts.most_common()) + "\n")
    if args.save:
        predictor.bundle.write_gate_report({"model_version": predictor.meta.version, "rows": rows,
                                            "adult_dicom": adult.status, "timings": timings,
                                            "command": "python -m benchmarks.gate_out_of_scope --save"})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
