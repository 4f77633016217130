"""Sign-in end to end: a real OpenID Connect provider (panva/oidc-provider, OpenID Certified, from
the npm registry; tests/e2e/oidc) on loopback with three users, pneumo configured for it in a
secrets.toml exactly as a hospital would (``[auth]`` for st.login, ``[pneumo_access]`` for roles),
and Debian's Chromium driven by Playwright, one browser context per person:

doctor A signs in and saves a reading; doctor B signs in and cannot see it; the reviewer sees it,
re-reads it, and A's original reading (label and note) still shows under A's name; signing out
hides everything. In CI (``CI`` set) a missing browser, Node.js or provider package fails the test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from e2e.servers import CHROMIUM, FLAGS, free_port, idle, missing_browser, require, streamlit_app

PROVIDER = Path(__file__).resolve().parent / "oidc"
TIMEOUT_MS = 120_000
FILM = "PNEUMONIA/person1008_virus_1691.jpeg"
USERS = {
    "ahmed": {"name": "Dr A. Ahmed", "email": "ahmed@example.org", "roles": ["doctor"]},
    "baker": {"name": "Dr B. Baker", "email": "baker@example.org", "roles": ["doctor"]},
    "chen": {"name": "Dr C. Chen", "email": "chen@example.org", "roles": ["doctor", "reviewer"]},
}
NOTE = "Clear lungs to my eye"


@pytest.fixture(scope="module")
def signed_in_app(tmp_path_factory):
    """pneumo behind the test provider: (app URL, provider URL)."""
    missing = missing_browser() + ([] if shutil.which("node") else ["Node.js"])
    if not (PROVIDER / "node_modules" / "oidc-provider").is_dir():
        missing.append("the provider package (npm ci in tests/e2e/oidc)")
    require(missing, "the sign-in test")
    work = tmp_path_factory.mktemp("sign-in")
    app_port = free_port()
    app_url = f"http://localhost:{app_port}"
    (work / "oidc.json").write_text(json.dumps({"port": 0, "users": USERS, "client": {
        "client_id": "pneumo", "client_secret": "test-secret-not-for-production",
        "redirect_uris": [f"{app_url}/oauth2callback"],
        "post_logout_redirect_uris": [f"{app_url}/oauth2callback"]}}))  # where Streamlit returns after sign-out
    idp_log = work / "provider.log"
    idp = subprocess.Popen(["node", str(PROVIDER / "provider.mjs"), str(work / "oidc.json")], cwd=PROVIDER,
                           stdout=subprocess.PIPE, stderr=idp_log.open("wb"), text=True)
    line = idp.stdout.readline()
    if not line.startswith("listening"):
        idp.kill()
        pytest.fail(f"the provider did not start: {line} {idp_log.read_text()[-2000:]}")
    idp_url = f"http://localhost:{line.split()[1]}"
    secrets = work / "secrets.toml"
    secrets.write_text(f"""
[auth]
redirect_uri = "{app_url}/oauth2callback"
cookie_secret = "{os.urandom(24).hex()}"
client_id = "pneumo"
client_secret = "test-secret-not-for-production"
server_metadata_url = "{idp_url}/.well-known/openid-configuration"
client_kwargs = {{ scope = "openid profile email roles", prompt = "login" }}

[pneumo_access]
role_claim = "roles"
""")
    (work / "var").mkdir()
    try:
        with streamlit_app(work / "var", app_port, ("--secrets.files", str(secrets)), host="localhost") as url:
            yield url, idp_url
    finally:
        idp.terminate()
        idp.wait(timeout=20)


def _sign_in(page, expect, app_url: str, login: str) -> None:
    page.goto(app_url)
    page.get_by_role("button", name="Sign in").click()
    page.locator("input[name=login]").fill(login)  # the provider's own sign-in form
    page.locator("input[name=password]").fill("any password")
    page.locator("button[type=submit]").click()
    expect(page.get_by_text(f"Signed in as {USERS[login]['name']}")).to_be_visible()
    idle(page)


def _open_first_row(page) -> None:
    grid = page.get_by_test_id("stDataFrame").first
    grid.wait_for(state="visible")
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 17, box["y"] + 35 + 17)
    idle(page)


def test_doctors_see_their_own_readings_and_the_reviewer_sees_who_said_what(signed_in_app, fullres_dir, artifacts):
    from playwright.sync_api import expect, sync_playwright

    app_url, _ = signed_in_app
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        expect.set_options(timeout=TIMEOUT_MS)

        def person(login: str):
            page = browser.new_context(viewport={"width": 1440, "height": 1200}).new_page()
            page.set_default_timeout(TIMEOUT_MS)
            _sign_in(page, expect, app_url, login)
            return page

        try:
            # Before signing in, nothing but the sign-in page, whatever the address.
            anonymous = browser.new_context().new_page()
            anonymous.goto(f"{app_url}/review")
            expect(anonymous.get_by_role("button", name="Sign in")).to_be_visible()
            assert anonymous.get_by_text("Worklist").count() == 0

            a = person("ahmed")  # doctor A saves a reading that disagrees with the model
            assert a.get_by_text("Demo mode").count() == 0
            a.set_input_files("input[type=file]", str(fullres_dir / FILM))
            expect(a.get_by_text("regions that raised the score for PNEUMONIA")).to_be_visible()
            idle(a)
            form = a.get_by_test_id("stForm")
            form.get_by_text("Normal", exact=True).click()
            form.get_by_label("Note (optional)").fill(NOTE)
            form.get_by_role("button", name="Save reading").click()
            expect(a.get_by_text("by Dr A. Ahmed at")).to_be_visible()
            assert a.get_by_text("unverified").count() == 0
            a.screenshot(path=artifacts / "sign-in-1-doctor-saved.png", full_page=True)

            b = person("baker")  # doctor B sees none of it
            b.get_by_role("link", name="Review").click()
            idle(b)
            expect(b.get_by_role("tab", name="My readings")).to_be_visible()
            expect(b.get_by_text("No readings match these filters.")).to_be_visible()
            assert b.get_by_text(NOTE).count() == 0 and b.get_by_text("Export these readings").count() == 0

            c = person("chen")  # the reviewer sees it, re-reads it; A's reading stays as saved
            c.get_by_role("link", name="Review").click()
            idle(c)
            expect(c.get_by_role("tab", name="Worklist from the review log")).to_be_visible()
            _open_first_row(c)
            expect(c.get_by_text(NOTE)).to_be_visible()
            form = c.get_by_test_id("stForm")
            form.get_by_text("Re-read (record a new reading)", exact=True).click()
            form.get_by_text("Pneumonia", exact=True).click()
            form.get_by_role("button", name="Add to the case").click()
            expect(c.get_by_text("Your re-read is saved on reading #1.")).to_be_visible()
            idle(c)
            if c.get_by_text("Reading saved by").count() == 0:  # the case stays open after the action
                _open_first_row(c)
            expect(c.get_by_text("Reading saved by Dr A. Ahmed: Normal · Disagree")).to_be_visible()
            expect(c.get_by_text("Latest re-read, by Dr C. Chen")).to_be_visible()
            expect(c.get_by_text("Note by Dr A. Ahmed, saved with the reading")).to_be_visible()
            expect(c.get_by_text(NOTE)).to_be_visible()
            c.screenshot(path=artifacts / "sign-in-2-reviewer.png", full_page=True)

            c.get_by_role("button", name="Sign out").click()  # signing out (at the provider too) hides everything
            c.get_by_role("button", name="Yes, sign me out").click()  # the provider's own confirmation
            expect(c.get_by_role("button", name="Sign in")).to_be_visible()
            c.goto(f"{app_url}/review")
            expect(c.get_by_role("button", name="Sign in")).to_be_visible()
            idle(c)
            assert c.get_by_text(NOTE).count() == 0 and c.get_by_test_id("stDataFrame").count() == 0
            assert sum(page.get_by_test_id("stException").count() for page in (a, b, c)) == 0
        finally:
            browser.close()
