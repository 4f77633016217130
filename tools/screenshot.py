"""Screenshot the running app after uploading a file: python tools/screenshot.py FILE OUT.png [URL]."""

import sys

from playwright.sync_api import sync_playwright

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main(upload: str, out: str, url: str = "http://localhost:8501") -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(url)
        page.wait_for_selector("text=Read a chest X-ray", timeout=120_000)
        page.set_input_files("input[type=file]", upload)
        page.wait_for_selector("text=Probability of pneumonia", timeout=120_000)
        page.wait_for_selector("text=regions that raised the score", timeout=120_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=out, full_page=True)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
