"""Sign-in and roles on the pages (AppTest with Streamlit's own ``at.user`` / ``at.secrets``): before
sign-in only the sign-in page; a doctor sees their own readings and no review tools; a reviewer sees
everyone's, re-reads and exports; a typed name exists in demo mode only, bannered and unverified.
The same flow through a real OpenID Connect provider is tests/e2e/test_sign_in.py."""

from __future__ import annotations

import numpy as np
import pytest
from app_helpers import ROOT, TIMEOUT, texts
from streamlit.testing.v1 import AppTest

from pneumo_core import AccessPolicy, ReviewLog, decide
from pneumo_core import texts as core_texts

ISSUER = "http://localhost:9"
AUTH = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                 "client_id": "pneumo", "client_secret": "s",
                 "server_metadata_url": f"{ISSUER}/.well-known/openid-configuration"}}
USERS = {
    "ahmed": {"name": "Dr A. Ahmed", "email": "ahmed@example.org", "roles": ["doctor"]},
    "baker": {"name": "Dr B. Baker", "email": "baker@example.org", "roles": ["doctor"]},
    "chen": {"name": "Dr C. Chen", "email": "chen@example.org", "roles": ["doctor", "reviewer"]},
    "visitor": {"name": "A Visitor", "email": "visitor@example.org"},
}


def app(user: str | None, page: str | None = None, access: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.secrets.update(AUTH)
    if access:
        at.secrets["pneumo_access"] = access
    at.user = ({"is_logged_in": True, "iss": ISSUER, "sub": user, **USERS[user]} if user
               else {"is_logged_in": False})
    at.run()
    if page:
        at.switch_page(f"app_pages/{page}.py").run()
    return at


def _identity(sub: str):
    return AccessPolicy().identity({"iss": ISSUER, "sub": sub, **USERS[sub]})


def _save_for(sub: str, predictor, seed: int, note: str):
    who = _identity(sub)
    pixels = np.random.default_rng(seed).random((64, 64)).astype(np.float32)
    return ReviewLog().record_reading(pixels, decide(0.95, predictor.meta), predictor.meta.weights_sha256, "NORMAL",
                                      who, note)


def test_before_sign_in_only_the_sign_in_page():
    at = app(None)
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.get("file_uploader") and core_texts.DEMO_BANNER not in texts(at)
    with pytest.raises(Exception):  # noqa: B017 -- the Review page is not among this visitor's pages
        at.switch_page("app_pages/review.py").run()
        assert not at.dataframe  # if switching were allowed, nothing may be listed


def test_a_signed_in_user_without_a_role_is_told_so():
    at = app("visitor")
    assert "no pneumo role" in texts(at) and [b.label for b in at.button] == ["Sign out"]
    assert not at.get("file_uploader")


def test_roles_can_come_from_configuration():
    at = app("visitor", access={"doctors": ["visitor@example.org"]})
    assert at.get("file_uploader") and "Signed in as **A Visitor**" in texts(at)


def test_a_doctor_reads_under_the_verified_name_and_sees_only_their_readings(predictor):
    mine = _save_for("ahmed", predictor, 21, "Clear lungs to my eye")
    theirs = _save_for("baker", predictor, 22, "Dr Baker's private note")
    at = app("ahmed")
    assert not at.exception and core_texts.DEMO_BANNER not in texts(at)
    assert "Signed in as **Dr A\\. Ahmed**" in texts(at) and not at.sidebar.text_input  # no typed name
    at.switch_page("app_pages/review.py").run()
    assert not at.exception
    assert [t.label for t in at.tabs][0] == "My readings"
    ids = list(at.dataframe[0].value["#"])
    assert mine.reading_id in ids and theirs.reading_id not in ids
    assert not [b for b in at.get("download_button")]  # exporting is for reviewers
    at.session_state["wl_table__open"] = mine.reading_id
    at.run()
    assert "Reading saved by Dr A\\. Ahmed: **Normal**" in texts(at)  # verified: no "(unverified)"
    assert not [b for b in at.button if b.label == "Add to the case"]


def test_a_reviewer_sees_everyone_re_reads_and_the_original_stays(predictor):
    mine = _save_for("ahmed", predictor, 23, "Clear lungs to my eye")
    at = app("chen", "review")
    assert [t.label for t in at.tabs][0] == "Worklist from the review log"
    assert mine.reading_id in list(at.dataframe[0].value["#"]) and at.get("download_button")
    at.session_state["wl_table__open"] = mine.reading_id
    at.run()
    next(r for r in at.radio if r.label == "Action").set_value("re-read")
    next(r for r in at.radio if r.label == "New reading (for a re-read)").set_value("PNEUMONIA")
    next(b for b in at.button if b.label == "Add to the case").click().run()
    assert not at.exception
    shown = texts(at)
    assert "Reading saved by Dr A\\. Ahmed: **Normal** · Disagree" in shown
    assert "Latest re-read, by Dr C\\. Chen (" in shown and "**Pneumonia** · Agree" in shown
    assert "Note by Dr A\\. Ahmed, saved with the reading" in shown
    case = ReviewLog().case(mine.reading_id, _identity("chen"))
    assert (case.reader, case.doctor_label, case.latest.who, case.latest.verified) == \
           ("Dr A. Ahmed", "NORMAL", "Dr C. Chen", True)


@pytest.mark.parametrize("page", ["read", "review", "performance", "about"])
def test_demo_mode_is_bannered_on_every_page(page):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    if page != "read":
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception and core_texts.DEMO_BANNER in texts(at)
    if page in ("read", "review"):  # the pages that record who did what
        assert at.sidebar.text_input[0].label.startswith("Your name or initials (demo mode")
