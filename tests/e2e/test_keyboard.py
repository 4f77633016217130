"""The Read page with the keyboard alone, in a real browser: type a name, open the file chooser,
upload, land on the result, read it, record a reading and save it; then a batch, where Enter opens
a table row; then the Review worklist, where Enter opens the saved reading. Focus must never fall
back to the top of the page (``ui/keyboard.py``)."""

from __future__ import annotations

from e2e.servers import CHROMIUM, FLAGS, idle

TIMEOUT_MS = 120_000
CLEAR_PNEUMONIA = "PNEUMONIA/person1008_virus_1691.jpeg"
BETWEEN_PRESETS = "NORMAL/NORMAL2-IM-0793-0001.jpeg"
NAME_FIELD = "Your name or initials (demo mode: not verified)"
ACTIVE = "() => { const a = document.activeElement; return a ? (a.getAttribute('aria-label') || a.innerText || a.id) : '' }"



IN_TABLE = "() => !!document.activeElement.closest('.stDataFrameGlideDataEditor')"  # the grid, not its toolbar


def _active(page) -> str:
    return (page.evaluate(ACTIVE) or "").strip()


def _tab_to(page, matches, limit: int, key: str = "Tab") -> int:
    """Press Tab (or ``key``) until the focused element ``matches``; returns how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        if matches(page):
            return presses
    raise AssertionError(f"not reached in {limit} Tab presses; focus is on {_active(page)!r}")


def _on_upload_button(page) -> bool:
    return page.evaluate("() => !!document.activeElement.closest('[data-testid=stFileUploaderDropzone]')")


def _upload_with_keyboard(page, files) -> None:
    """From the top of the page: Tab to the uploader's button, Enter, choose the files."""
    _tab_to(page, _on_upload_button, limit=40)
    _choose(page, files)


def _upload_more_with_keyboard(page, files) -> None:
    """From the result of a batch: back (Shift+Tab) to "Upload more X-rays", open it, on to its button."""
    _tab_to(page, lambda p: _active(p).endswith("Upload more X-rays"), limit=15, key="Shift+Tab")
    page.keyboard.press("Enter")
    idle(page)
    _tab_to(page, _on_upload_button, limit=5)
    _choose(page, files)


def _choose(page, files) -> None:
    """Enter on the focused upload button, then choose ``files`` in the dialog. Headless Chromium
    sometimes opens no dialog for the first Enter (2 runs of 5 here, the second upload of a page;
    the cause was not found); a user would press again, and so does this."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    idle(page)
    for _ in range(3):
        try:
            with page.expect_file_chooser(timeout=8_000) as chooser:
                page.keyboard.press("Enter")
        except PlaywrightTimeout:
            page.wait_for_timeout(500)
            continue
        chooser.value.set_files(files)
        return
    raise AssertionError("the upload button opened no file dialog for three presses of Enter")


def _focus_is_on_the_result(page) -> None:
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'pneumo-result'",
                           timeout=TIMEOUT_MS)


def test_upload_read_and_save_with_the_keyboard_alone(app_url, artifacts, fullres_dir):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        try:
            page.goto(app_url)
            expect(page.get_by_role("heading", name="Read chest X-rays")).to_be_visible()
            idle(page)
            # the name field is among the first stops: it heads the sidebar
            assert _tab_to(page, lambda p: _active(p) == NAME_FIELD, limit=10) <= 8
            page.keyboard.type("Dr Keys")
            page.keyboard.press("Enter")
            idle(page)

            _upload_with_keyboard(page, str(fullres_dir / CLEAR_PNEUMONIA))
            _focus_is_on_the_result(page)  # not the top of the page
            assert _active(page) == "PNEUMONIA"
            expect(page.locator("#pneumo-result")).to_be_in_viewport()

            # Tab into the form: the reading (Space chooses), the note, the copy box, then Save.
            _tab_to(page, lambda p: p.evaluate("() => document.activeElement.type === 'radio'"), limit=3)
            page.keyboard.press("Space")  # Normal: a disagreement, so the reading goes to the review worklist
            page.keyboard.press("Tab")
            assert _active(page) == "Note (optional)"
            page.keyboard.type("read with the keyboard only")
            _tab_to(page, lambda p: _active(p) == "Save reading", limit=3)
            page.keyboard.press("Enter")
            expect(page.get_by_text("You read Normal; the model said PNEUMONIA")).to_be_visible()
            _focus_is_on_the_result(page)  # the form became the saved reading: focus stays on this image
            page.screenshot(path=artifacts / "keyboard-saved.png")

            # A batch: focus lands on the table; Enter opens the row under the cursor.
            _upload_more_with_keyboard(page, str(fullres_dir / BETWEEN_PRESETS))
            page.wait_for_function(IN_TABLE)
            idle(page)
            page.keyboard.press("ArrowDown")
            page.keyboard.press("Enter")
            expect(page.get_by_text("NORMAL2-IM-0793-0001.jpeg · JPEG")).to_be_visible()
            _focus_is_on_the_result(page)
            assert _active(page) == "NORMAL"

            # Review: Tab into the worklist, Enter opens the saved reading, focus on the case
            page.goto(f"{app_url}/review")
            expect(page.get_by_role("heading", name="Review")).to_be_visible()
            idle(page)
            _tab_to(page, lambda p: p.evaluate(IN_TABLE), limit=40)
            page.keyboard.press("ArrowDown")
            page.keyboard.press("Enter")
            page.wait_for_function("() => document.activeElement && document.activeElement.id === 'pneumo-case'")
            assert _active(page).startswith("Reading #1")
            assert not page.get_by_test_id("stException").count()
        except Exception:
            page.screenshot(path=artifacts / "failure-keyboard.png")
            raise
        finally:
            browser.close()
