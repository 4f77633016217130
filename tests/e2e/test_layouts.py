"""Every page at the screens doctors and stakeholders use, in a real browser: a 1366x768 laptop, a
1920x1080 monitor and a 1920x1080 monitor at 150 % browser zoom (1280x720 CSS pixels at a device
scale of 1.5). On each, the key elements are on screen and whole: the label on one line and never
cut, metric values never shortened with an ellipsis, filters not truncated, feedback after Save
where the user is looking. Screenshots go to ``artifacts/layout-*.png``; look at them."""

from __future__ import annotations

import pytest
from e2e.servers import CHROMIUM, FLAGS, idle

TIMEOUT_MS = 120_000
FILM = "PNEUMONIA/person1008_virus_1691.jpeg"
SECOND_FILM = "NORMAL/NORMAL2-IM-0793-0001.jpeg"
SCREENS = {"laptop": (1366, 768, 1), "monitor": (1920, 1080, 1), "zoom150": (1280, 720, 1.5)}

# An element "whole": nothing of its text hidden by overflow or an ellipsis, and inside the viewport's width.
WHOLE = """el => {
    const box = el.getBoundingClientRect();
    const cut = el.scrollWidth > el.clientWidth + 1 || getComputedStyle(el).textOverflow === 'ellipsis'
                && el.scrollWidth > el.clientWidth;
    return {cut, left: box.left, right: box.right, top: box.top, bottom: box.bottom, height: box.height,
            width: window.innerWidth, viewport: window.innerHeight, text: el.innerText};
}"""



def _whole(locator, what: str) -> dict:
    found = locator.evaluate(WHOLE)
    assert not found["cut"], f"{what} is cut: {found}"
    assert found["left"] >= 0 and found["right"] <= found["width"] + 1, f"{what} is off screen sideways: {found}"
    return found


@pytest.mark.parametrize("screen", SCREENS)
def test_every_page_holds_at_this_screen(app_url, artifacts, fullres_dir, screen):
    from playwright.sync_api import expect, sync_playwright

    width, height, scale = SCREENS[screen]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=scale)
        page.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        try:
            _read(page, expect, app_url, artifacts, fullres_dir, screen)
            _performance(page, expect, app_url, artifacts, screen)
            _review(page, expect, app_url, artifacts, screen)
            page.goto(f"{app_url}/about")
            expect(page.get_by_role("heading", name="Known limits")).to_be_attached()
            idle(page)
            page.screenshot(path=artifacts / f"layout-{screen}-about.png")
            assert not page.get_by_test_id("stException").count()
        except Exception:
            page.screenshot(path=artifacts / f"failure-layout-{screen}.png")
            raise
        finally:
            browser.close()


def _read(page, expect, url, artifacts, fullres_dir, screen) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="Read chest X-rays")).to_be_visible()
    # the name field heads the sidebar: in view without scrolling
    expect(page.get_by_role("textbox", name="Your name or initials (demo mode: not verified)")).to_be_in_viewport()
    page.set_input_files("input[type=file]", str(fullres_dir / FILM))
    label = page.locator("#pneumo-result")
    expect(label).to_be_visible()
    idle(page)
    expect(label).to_be_in_viewport()  # the answer is on the first screen
    found = _whole(label, "the label")
    assert found["height"] < 60, f"the label wrapped onto a second line: {found}"
    expect(page.get_by_text("Pneumonia probability:")).to_be_in_viewport()
    page.screenshot(path=artifacts / f"layout-{screen}-read.png")

    # Save without choosing: the message is where the user is looking, beside the button
    save = page.get_by_role("button", name="Save reading")
    save.scroll_into_view_if_needed()
    save.click()
    message = page.get_by_text("Choose Normal, Pneumonia or Unsure before saving.")
    expect(message).to_be_in_viewport()
    _whole(save, "the Save button")
    page.screenshot(path=artifacts / f"layout-{screen}-read-save-refused.png")

    # A batch: ticking a row brings its result into view (it opens below the table, once off screen)
    page.set_input_files("input[type=file]", str(fullres_dir / SECOND_FILM))
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    idle(page)
    page.mouse.wheel(0, -5000)  # back to the top, where a doctor ticks the row
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 17, box["y"] + 35 + 35 + 17)  # the second row's box (header and rows 35 px)
    expect(page.get_by_text("NORMAL2-IM-0793-0001.jpeg · JPEG")).to_be_attached()
    idle(page)
    expect(page.locator("#pneumo-result")).to_be_in_viewport()
    page.screenshot(path=artifacts / f"layout-{screen}-read-batch.png")


def _performance(page, expect, url, artifacts, screen) -> None:
    page.goto(f"{url}/performance")
    expect(page.get_by_role("heading", name="Against published results")).to_be_attached()
    expect(page.locator(".js-plotly-plot").first).to_be_attached()
    idle(page)
    values = page.get_by_test_id("stMetricValue")
    assert values.count() == 5
    for i in range(values.count()):
        found = _whole(values.nth(i), "a metric value")
        assert "…" not in found["text"]
    expect(page.get_by_text("In short.")).to_be_in_viewport()
    measured = page.get_by_role("columnheader", name="How it was measured")
    measured.scroll_into_view_if_needed()
    _whole(measured, "the 'How it was measured' column")
    page.screenshot(path=artifacts / f"layout-{screen}-performance.png")


def _review(page, expect, url, artifacts, screen) -> None:
    page.goto(f"{url}/review")
    expect(page.get_by_role("heading", name="Review")).to_be_visible()
    idle(page)
    main = page.get_by_test_id("stMain")
    for name in ("Status", "Cases", "Preset"):
        _whole(main.get_by_role("combobox", name=name), f"the {name} filter")
    page.screenshot(path=artifacts / f"layout-{screen}-review.png")
    page.get_by_role("tab", name="Model mistakes on the test films").click()
    expect(page.get_by_text("regions that raised the score for").last).to_be_visible()
    idle(page)
    page.screenshot(path=artifacts / f"layout-{screen}-mistakes.png")
