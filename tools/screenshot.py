"""Screenshot the running app at a laptop and a large screen, after uploading a file:
``python tools/screenshot.py FILE OUT_PREFIX [URL]`` writes ``OUT_PREFIX-laptop.png`` (1366x768)
and ``OUT_PREFIX-large.png`` (1920x1080), full page."""

import sys

from playwright.sync_api import sync_playwright

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENS = {"laptop": (1366, 768), "large": (1920, 1080)}


def main(upload: str, prefix: str, url: str = "http://localhost:8501") -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for name, (width, height) in SCREENS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url)
            page.wait_for_selector("text=Read chest X-rays", timeout=120_000)
            page.set_input_files("input[type=file]", upload)
            page.wait_for_selector("text=Pneumonia probability:", timeout=120_000)
            page.wait_for_selector("text=regions that raised the score", timeout=120_000)
            page.wait_for_timeout(1500)
            page.screenshot(path=f"{prefix}-{name}.png", full_page=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
