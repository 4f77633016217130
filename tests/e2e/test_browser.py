"""End to end in a real browser: Debian's chromium driven by Playwright against `streamlit run app.py`.

Uploads a full-resolution X-ray and a child's DICOM, opens each, sees the probability and the heatmap,
saves a doctor's reading, finds it on the Review page, and screenshots every page into
``artifacts/`` (override with ``PNEUMO_ARTIFACTS``). In CI (``CI`` set) a missing browser fails the test.
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

from e2e.servers import CHROMIUM, FLAGS, idle

TIMEOUT_MS = 120_000
FULLRES = "PNEUMONIA/person1008_virus_1691.jpeg"
ADULT_DICOM = "chest-dx-adult-nih.dcm"  # PatientAge 081Y: refused; given a child's age, it is read
DICOM = "child-chest.dcm"
READER = "Dr E2E Test"



def _cell(grid, text: str, exact: bool = False):
    """A cell of a Streamlit dataframe holding ``text`` (``exact``: nothing else), from the grid's
    accessible table."""
    return grid.locator("td[role=gridcell]").filter(has_text=re.compile(f"^{re.escape(text)}$") if exact else text)


def _uploads_held(url: str) -> float:
    """Bytes of uploaded files Streamlit's upload store holds (its own metrics endpoint, which the
    hospital's proxy blocks; the test reaches Streamlit directly)."""
    metrics = urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=10).read().decode()
    lines = [line for line in metrics.splitlines() if "UploadedFileManager" in line and not line.startswith("#")]
    return sum(float(line.rsplit(" ", 1)[1]) for line in lines)


def _go(page, role: str, name: str) -> None:
    page.get_by_role(role, name=name).click()
    idle(page)


def _shot(page, path: Path) -> None:
    page.wait_for_timeout(1000)  # let images and charts paint
    page.screenshot(path=path, full_page=True)


def _select_row(page, grid, row: int) -> None:
    """Tick a row's selection box in a Streamlit dataframe (drawn on a canvas)."""
    box = grid.bounding_box()
    header = row_height = 35
    page.mouse.click(box["x"] + 17, box["y"] + header + row_height * row + row_height / 2)
    idle(page)


def _in_browser(artifacts, viewport: tuple[int, int], failure: str, steps) -> None:
    """Run ``steps(page, expect)`` in a fresh headless Chromium page; a screenshot if it fails."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        page.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        try:
            steps(page, expect)
        except Exception:
            page.screenshot(path=artifacts / failure)
            raise
        finally:
            browser.close()


def _child_dicom(dicom_dir: Path, folder: Path) -> Path:
    """The real chest DICOM with a 4-year-old's age in its header."""
    import pydicom

    ds = pydicom.dcmread(dicom_dir / ADULT_DICOM)
    ds.PatientAge = "004Y"
    ds.save_as(folder / DICOM)
    return folder / DICOM


def test_read_save_and_review_in_a_real_browser(app_url, artifacts, fullres_dir, dicom_dir, tmp_path):
    dicom = _child_dicom(dicom_dir, tmp_path)
    _in_browser(artifacts, (1440, 1400), "failure.png",
                lambda page, expect: _walk_through(page, expect, app_url, artifacts, fullres_dir, dicom))


def _walk_through(page, expect, url, artifacts, fullres_dir, dicom: Path) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="Read chest X-rays")).to_be_visible()
    page.get_by_role("textbox", name="Your name or initials (demo mode: not verified)").fill(READER)
    page.keyboard.press("Enter")
    _shot(page, artifacts / "1-read-empty.png")

    page.set_input_files("input[type=file]", [str(fullres_dir / FULLRES), str(dicom)])
    grid = page.get_by_test_id("stDataFrame").first
    expect(_cell(grid, Path(FULLRES).name)).to_be_attached()
    expect(_cell(grid, DICOM)).to_be_attached()
    idle(page)
    _shot(page, artifacts / "2-read-table.png")
    assert _uploads_held(url) == 0, "the uploaded bytes should be released once the files are read"

    # The DICOM: open its row, see probability and heatmap.
    _select_row(page, grid, 1)
    expect(page.get_by_text("Pneumonia probability:")).to_be_visible()
    expect(page.get_by_text("DICOM, 1024×1024")).to_be_visible()
    expect(page.get_by_text("regions that raised the score for")).to_be_visible()
    _shot(page, artifacts / "3-read-dicom.png")

    # The full-resolution JPEG: open it, see probability and heatmap, save a disagreeing reading.
    _select_row(page, grid, 0)
    expect(page.get_by_text(f"{Path(FULLRES).name} · JPEG")).to_be_visible()
    expect(page.get_by_text("regions that raised the score for PNEUMONIA")).to_be_visible()
    idle(page)
    form = page.get_by_test_id("stForm")
    form.get_by_text("Normal", exact=True).click()
    form.get_by_label("Note (optional)").fill("E2E: reader disagrees on purpose")
    form.get_by_role("button", name="Save reading").click()
    expect(page.get_by_text("You read Normal; the model said PNEUMONIA")).to_be_visible()
    _shot(page, artifacts / "4-read-saved.png")

    # The Review page lists it on the worklist; a reviewer comments and marks it reviewed.
    _go(page, "link", "Review")
    worklist = page.get_by_test_id("stDataFrame").first
    expect(_cell(worklist, READER)).to_be_attached()
    expect(_cell(worklist, "Disagree", exact=True)).to_be_attached()
    expect(_cell(worklist, "disagreement", exact=True)).to_be_attached()  # why it is flagged
    _select_row(page, worklist, 0)
    expect(page.get_by_text("E2E: reader disagrees on purpose")).to_be_visible()
    form = page.get_by_test_id("stForm")
    form.get_by_text("Mark reviewed", exact=True).click()
    form.get_by_role("textbox", name="Comment").fill("E2E: checked, model right")
    form.get_by_role("button", name="Add to the case").click()
    expect(page.get_by_text("Reading #1 is marked reviewed.")).to_be_visible()
    idle(page)
    expect(page.get_by_text("It no longer matches these filters")).to_be_visible()  # why the list is empty now
    _shot(page, artifacts / "5a-review-marked.png")
    page.get_by_test_id("stSelectbox").filter(has_text="Status").click()  # Status: Open -> Reviewed; the case moved there
    page.get_by_role("option", name="Reviewed").click()
    idle(page)
    _select_row(page, page.get_by_test_id("stDataFrame").first, 0)
    expect(page.get_by_text("marked reviewed: E2E: checked, model right")).to_be_visible()
    _shot(page, artifacts / "5-review-worklist.png")

    _go(page, "tab", "Model mistakes on the test films")
    expect(page.get_by_text("regions that raised the score for")).to_be_visible()
    _shot(page, artifacts / "6-review-mistakes.png")

    _go(page, "link", "Model performance")
    expect(page.get_by_role("heading", name="Against published results")).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    _shot(page, artifacts / "7-performance.png")

    _go(page, "link", "About")
    expect(page.get_by_role("heading", name="About pneumo")).to_be_visible()
    _shot(page, artifacts / "8-about.png")
    assert not page.get_by_test_id("stException").count(), "a traceback was shown"


def test_out_of_scope_uploads_get_the_refusal_card(app_url, artifacts, dicom_dir, tmp_path):
    """The abdominal DICOM, an adult's chest DICOM and a photo: each shows why it is not read, and no
    label, heatmap or form."""
    import numpy as np
    from PIL import Image

    photo = tmp_path / "holiday-photo.jpg"
    rng = np.random.default_rng(3)
    sky = np.linspace([90, 140, 220], [230, 240, 255], 480).astype(np.uint8)[:, None, :].repeat(640, axis=1)
    sky[300:] = rng.integers(30, 120, (180, 640, 3))  # a rough "ground"
    Image.fromarray(sky).save(photo, quality=90)

    def steps(page, expect):
        for name, path in [("abdomen", dicom_dir / "abdomen-ot.dcm"), ("adult", dicom_dir / ADULT_DICOM),
                           ("photo", photo)]:
            page.goto(app_url)
            expect(page.get_by_role("heading", name="Read chest X-rays")).to_be_visible()
            page.set_input_files("input[type=file]", str(path))
            expect(page.get_by_text("Not assessed: the model may not read this image")).to_be_visible()
            idle(page)
            assert page.get_by_text("Pneumonia probability:").count() == 0
            assert page.get_by_role("button", name="Save reading").count() == 0
            assert page.get_by_text("Download case report (PDF)").count() == 0
            assert page.get_by_text("regions that raised the score").count() == 0
            _shot(page, artifacts / f"9-refused-{name}.png")

    _in_browser(artifacts, (1366, 900), "failure-refused.png", steps)
