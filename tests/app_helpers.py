"""Helpers for the AppTest page tests (import as ``from app_helpers import ...``)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 180


def run_app() -> AppTest:
    """The app at its default page (Read X-rays), run once."""
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()


def open_page(name: str) -> AppTest:
    return run_app().switch_page(f"app_pages/{name}.py").run()


def texts(at: AppTest) -> str:
    """Every piece of text on the page, joined, for 'is it there' checks."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    parts += [e.value for e in at.error] + [w.value for w in at.warning] + [i.value for i in at.info]
    parts += [s.value for s in at.success] + [h.value for h in at.subheader]
    return "\n".join(str(p) for p in parts)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def image_captions(at: AppTest) -> list[str]:
    """The captions of every st.image on the page."""
    return [img.caption for element in at.get("image") for img in element.proto.imgs]
