"""Why a case is flagged, from the reading as saved and its latest re-read (``Case.flag_reasons``)."""

from __future__ import annotations

import datetime as dt

import pytest

from pneumo_core.review.records import FLAG_REASONS, Case, Reread

NOW = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)


def case(agreement="agree", band="confident", concern="", reread: str | None = None) -> Case:
    return Case(reading_id=1, case_id="c", created_at=NOW, model_version="v", weights_sha256="abc", probability=0.9,
                preset="balanced", threshold=0.5, model_label="PNEUMONIA", band=band, doctor_label="PNEUMONIA",
                note="", agreement=agreement, reader="Dr A", status="open", has_image=False, concern=concern,
                latest=Reread("Dr B", NOW, "NORMAL", reread) if reread else None)


@pytest.mark.parametrize("kwargs, reasons", [
    ({}, ()),
    ({"agreement": "disagree"}, ("disagreement",)),
    ({"agreement": "unsure"}, ("doctor unsure",)),
    ({"band": "second opinion"}, ("second opinion",)),
    ({"concern": "the patient is 12 years old"}, ("input caution",)),
    ({"reread": "disagree"}, ("disagreement",)),  # agreed when saved, a later re-read disagrees
    ({"agreement": "disagree", "reread": "agree"}, ("disagreement",)),  # the original disagreement stays
    ({"agreement": "unsure", "reread": "disagree"}, ("disagreement", "doctor unsure")),
    ({"agreement": "disagree", "band": "second opinion", "concern": "x"}, ("disagreement", "second opinion",
                                                                          "input caution")),
])
def test_flag_reasons_name_every_reason_in_a_fixed_order(kwargs, reasons):
    found = case(**kwargs)
    assert found.flag_reasons == reasons
    assert found.flagged == bool(reasons)
    assert set(reasons) <= set(FLAG_REASONS)


def test_a_stored_time_is_given_in_utc_whatever_the_servers_zone():
    from pneumo_core.review.records import aware

    paris = dt.timezone(dt.timedelta(hours=1))
    assert aware(dt.datetime(2026, 1, 1, 0, 30, tzinfo=paris)) == dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert aware(dt.datetime(2026, 1, 1, 0, 30, tzinfo=paris)).date() == dt.date(2025, 12, 31)
    assert aware(dt.datetime(2026, 1, 1, 0, 30)) == dt.datetime(2026, 1, 1, 0, 30, tzinfo=dt.UTC)  # SQLite: naive UTC
