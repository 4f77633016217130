"""The review log on SQLite and on PostgreSQL (``PNEUMO_TEST_POSTGRES_URL``; required in CI)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest
from identities import AHMED, BAKER, LEAD, typed
from sqlalchemy import text

from pneumo_core import Prediction
from pneumo_core.config import REPO_ROOT
from pneumo_core.imaging.deidentify import case_id_of
from pneumo_core.review.db import current_revision, make_engine
from pneumo_core.review.log import ReviewLog
from pneumo_core.review.records import DOCTOR_LABELS


def pred(prob=0.8, label="PNEUMONIA", band="confident") -> Prediction:
    return Prediction(label=label, probability=prob, threshold=0.5, preset="balanced", band=band, model_version="v-test")


def image(seed=0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 1, (64, 80)).astype(np.float32)


def test_record_and_fold_events(db_url):
    log = ReviewLog(db_url)
    case = log.record_reading(image(), pred(), "abc", "NORMAL", typed("Dr A"), note="faint opacity?")
    assert (case.agreement, case.status, case.flagged) == ("disagree", "open", True)
    assert case.case_id == case_id_of(image()) and not case.has_image
    log.add_event(case.reading_id, typed("Dr B"), "comment", comment="looked again")
    later = log.add_event(case.reading_id, typed("Dr B"), "re-read", doctor_label="PNEUMONIA")
    assert (later.latest.who, later.latest.doctor_label, later.latest.agreement) == ("Dr B", "PNEUMONIA", "agree")
    assert (later.current_label, later.current_agreement) == ("PNEUMONIA", "agree")
    assert later.flagged  # the original disagreement stays on the record until someone marks it reviewed
    done = log.add_event(case.reading_id, typed("Dr B"), "reviewed", comment="ok")
    assert done.status == "reviewed"
    assert [e.kind for e in done.history] == ["comment", "re-read", "reviewed"]
    original = log.case(case.reading_id, LEAD)
    # what Dr A saved is never shown as changed: label, agreement, reader and note as saved
    assert (original.doctor_label, original.agreement, original.reader, original.note) == \
           ("NORMAL", "disagree", "Dr A", "faint opacity?")


@pytest.mark.parametrize("viewer, expected", [
    (LEAD, ["baker", "ahmed-again"]),  # a reviewer: everyone's other readings of the film, newest first
    (AHMED, ["ahmed-again"]),  # a doctor: only their own
    (BAKER, ["baker"]),
])
def test_other_readings_of_the_same_film(db_url, viewer, expected):
    log = ReviewLog(db_url)
    first = log.record_reading(image(1), pred(), "abc", "NORMAL", AHMED, note="ahmed")
    log.record_reading(image(2), pred(), "abc", "NORMAL", BAKER, note="another film")
    log.record_reading(image(1), pred(), "abc", "PNEUMONIA", AHMED, note="ahmed-again")
    log.record_reading(image(1), pred(), "abc", "PNEUMONIA", BAKER, note="baker")
    assert [c.note for c in log.same_film(first, viewer)] == expected


def test_csv_has_the_original_and_the_latest_reading(db_url):
    import csv
    import io

    log = ReviewLog(db_url)
    case = log.record_reading(image(), pred(), "abc", "NORMAL", typed("Dr A. Ahmed"), note="Clear lungs to my eye")
    log.add_event(case.reading_id, typed("Dr Chen"), "re-read", doctor_label="PNEUMONIA")
    untouched = log.record_reading(image(1), pred(), "abc", "UNSURE", typed("Dr A. Ahmed"))
    rows = {int(r["reading_id"]): r for r in csv.DictReader(io.StringIO(log.export_csv(LEAD)))}
    re_read = rows[case.reading_id]
    assert (re_read["reader"], re_read["doctor_label"], re_read["agreement"], re_read["note"]) == \
           ("Dr A. Ahmed", "NORMAL", "disagree", "Clear lungs to my eye")
    assert (re_read["latest_reader"], re_read["latest_label"], re_read["latest_agreement"]) == \
           ("Dr Chen", "PNEUMONIA", "agree")
    assert rows[untouched.reading_id]["latest_label"] == "" and rows[untouched.reading_id]["latest_reader"] == ""


def test_worklist_filters_and_csv(db_url):
    log = ReviewLog(db_url)
    agree = log.record_reading(image(1), pred(), "abc", "PNEUMONIA", typed("Dr A"))
    unsure = log.record_reading(image(2), pred(), "abc", "UNSURE", typed("Dr A"))
    uncertain = log.record_reading(image(3), pred(0.4, "NORMAL", "second opinion"), "abc", "NORMAL", typed("Dr A"))
    assert {c.reading_id for c in log.worklist(LEAD)} == {unsure.reading_id, uncertain.reading_id}
    log.add_event(unsure.reading_id, typed("Dr C"), "reviewed")
    assert [c.reading_id for c in log.worklist(LEAD, status="open")] == [uncertain.reading_id]
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    assert log.cases(LEAD, since=future) == [] and len(log.cases(LEAD, until=future)) == 3
    assert log.cases(LEAD, preset="screening") == []
    exported = log.export_csv(LEAD)
    assert exported.splitlines()[0].startswith("reading_id,case_id")
    assert len(exported.strip().splitlines()) == 4 and "Dr C (unverified) reviewed" in exported
    import csv
    import io

    why = {int(r["reading_id"]): r["why_flagged"] for r in csv.DictReader(io.StringIO(exported))}
    assert why == {agree.reading_id: "", unsure.reading_id: "doctor unsure", uncertain.reading_id: "second opinion"}
    assert agree.reading_id in [c.reading_id for c in log.cases(LEAD)]


def test_first_saved_is_the_oldest_reading_the_viewer_may_see(db_url):
    log = ReviewLog(db_url)
    assert log.first_saved(LEAD) is None
    first = log.record_reading(image(1), pred(), "abc", "NORMAL", AHMED)
    log.record_reading(image(2), pred(), "abc", "NORMAL", BAKER)
    with log.engine.begin() as conn:  # Dr Ahmed's reading saved a year ago (an old case still open)
        conn.execute(text("UPDATE readings SET created_at = :t WHERE id = :i"),
                     {"t": dt.datetime(2025, 11, 1, 8, 30, tzinfo=dt.UTC), "i": first.reading_id})
    assert log.first_saved(LEAD) == dt.datetime(2025, 11, 1, 8, 30, tzinfo=dt.UTC)
    assert log.first_saved(AHMED) == dt.datetime(2025, 11, 1, 8, 30, tzinfo=dt.UTC)
    assert log.first_saved(BAKER).date() == dt.datetime.now(dt.UTC).date()  # a doctor: their own only


def test_a_database_error_never_carries_what_was_typed(db_url):
    """The engine hides statement parameters, so a logged error holds no note, name or case id."""
    log = ReviewLog(db_url)
    with pytest.raises(Exception) as failed, log.engine.connect() as conn:
        conn.execute(text("SELECT no_such_column FROM readings WHERE note = :note"), {"note": "Dr Ahmed's secret note"})
    assert "secret note" not in str(failed.value) and "hidden" in str(failed.value)


@pytest.mark.parametrize("call,error", [
    (lambda log, rid: log.add_event(rid, typed("Dr B"), "delete"), "event kind"),
    (lambda log, rid: log.add_event(rid, typed("Dr B"), "re-read", doctor_label="MAYBE"), "reading in"),
    (lambda log, rid: log.add_event(rid, typed("Dr B"), "comment", doctor_label="NORMAL"), "only a re-read"),
    (lambda log, rid: log.add_event(rid, typed(" "), "comment"), "name is empty"),
    (lambda log, rid: log.record_reading(image(), pred(), "abc", "MAYBE", typed("Dr A")), "reading in"),
    (lambda log, rid: log.record_reading(image(), pred(), "abc", "NORMAL", typed("")), "name is empty"),
])
def test_bad_actions_are_refused_and_change_nothing(tmp_path, call, error):
    log = ReviewLog(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    rid = log.record_reading(image(), pred(), "abc", "NORMAL", typed("Dr A")).reading_id
    with pytest.raises(ValueError, match=error):
        call(log, rid)
    assert len(log.cases(LEAD)) == 1 and log.case(rid, LEAD).history == ()


def test_kept_image_is_a_small_png(tmp_path):
    log = ReviewLog(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    big = np.random.default_rng(0).uniform(0, 1, (1500, 1200)).astype(np.float32)
    case = log.record_reading(big, pred(), "abc", "NORMAL", typed("Dr A"), keep_image=True)
    png = log.image(case.reading_id, LEAD)
    assert case.has_image and png.startswith(b"\x89PNG") and b"tEXt" not in png
    import cv2
    assert max(cv2.imdecode(np.frombuffer(png, np.uint8), 0).shape) == 512


def test_eight_threads_of_200_readings(db_url):
    log = ReviewLog(db_url)
    errors = []

    def writer(t):
        try:
            for i in range(200):
                log.record_reading(image(t), pred(prob=i / 200), "abc", DOCTOR_LABELS[i % 3], typed(f"thread-{t}"),
                                   note=f"t{t}-n{i}")
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == []
    cases = log.cases(LEAD)
    assert len(cases) == 1600
    assert {c.note for c in cases} == {f"t{t}-n{i}" for t in range(8) for i in range(200)}
    assert all(c.note == f"t{c.reader.split('-')[1]}-n{round(c.probability * 200)}" for c in cases)


def test_sigkill_mid_transaction_leaves_whole_records(tmp_path):
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    ReviewLog(url)  # create and migrate
    script = textwrap.dedent(f"""
        import numpy as np, sys
        from sqlalchemy import insert
        from pneumo_core.review.log import ReviewLog
        from pneumo_core.review.schema import events
        from pneumo_core import Identity, Prediction
        log = ReviewLog({url!r})
        p = Prediction("PNEUMONIA", 0.9, 0.5, "balanced", "confident", "v")
        i = 0
        while True:
            case = log.record_reading(np.full((8, 8), 0.5, np.float32), p, "abc", "NORMAL", Identity.demo("K"), note="n" * 2000)
            with log.engine.begin() as conn:  # a slow multi-statement transaction, killed part-way
                for k in range(50):
                    conn.execute(insert(events).values(reading_id=case.reading_id, created_at=case.created_at,
                                 who="Dr K", kind="comment", comment=str(k), reviewed=False))
            i += 1
            if i == 5:
                sys.stdout.write("ready\\n"); sys.stdout.flush()
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            cwd=REPO_ROOT)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    conn = sqlite3.connect(tmp_path / "log.sqlite3")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    cases = ReviewLog(url).cases(LEAD)
    assert len(cases) >= 5
    assert all(c.note == "n" * 2000 and len(c.history) in (0, 50) for c in cases)
    assert sum(len(c.history) == 50 for c in cases) >= 5


def test_migration_from_the_first_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    old = make_engine(url, revision="0001")
    assert current_revision(old) == "0001"
    with old.begin() as conn:
        conn.execute(text(
            "INSERT INTO readings (case_id, created_at, model_version, weights_sha256, probability, preset, threshold,"
            " model_label, band, doctor_label, note, agreement, reader) VALUES ('c1', '2026-01-02 03:04:05',"
            " 'v0', 'abc', 0.7, 'balanced', 0.5, 'PNEUMONIA', 'confident', 'NORMAL', 'old note', 'disagree', 'Dr Old')"))
        conn.execute(text("INSERT INTO events (reading_id, created_at, who, kind, comment, reviewed) VALUES "
                          "(1, '2026-01-03 03:04:05', 'Dr  Older', 'comment', 'typed name', 0)"))
    old.dispose()
    log = ReviewLog(url)
    assert current_revision(log.engine) == "0004"
    (case,) = log.cases(LEAD)
    assert (case.note, case.reader, case.has_image) == ("old note", "Dr Old", False)
    assert (case.gate_status, case.concern) == ("ok", "")  # readings from before the gate were not flagged
    # names typed before sign-in existed are filed as unverified demo identities, shown as such
    assert (case.reader_id, case.reader_verified, case.history[0].who_verified) == ("demo:dr old", False, False)
    assert log.cases(AHMED) == [] and log.cases(typed("dr old")) == [case]
    log.add_event(case.reading_id, typed("Dr New"), "reviewed")
    assert log.case(case.reading_id, LEAD).status == "reviewed"


def test_no_patient_data_in_database_or_logs(tmp_path, caplog, tiny_predictor, data_dir):
    """A DICOM with known patient tags is read, predicted and saved (with an image copy). The film is
    one the burned-in-text check can read, at a size it can read (tests/pneumo_core/imaging)."""
    import logging

    import cv2
    from dicom_factory import make_dicom

    from pneumo_core import load_image
    from pneumo_core.imaging.preprocess import to_uint8

    chest_u8 = to_uint8(load_image(data_dir / "test" / "NORMAL" / "IM-0001-0001.jpeg").pixels)
    chest_u8 = cv2.resize(chest_u8, (896, 896), interpolation=cv2.INTER_CUBIC)  # a copy needs >= 600 px

    secrets = ("Zyxwvut^Qwerty", "PID-99887766", "19870605")
    data = make_dicom(chest_u8, 16, patient_name=secrets[0], patient_id=secrets[1], birth_date=secrets[2])
    assert all(s.encode() in data for s in secrets)
    caplog.set_level(logging.DEBUG)
    loaded = load_image(data)
    prediction = tiny_predictor.predict(loaded)
    log = ReviewLog(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    case = log.record_reading(loaded.pixels, prediction, tiny_predictor.meta.weights_sha256, "NORMAL", typed("Dr A"),
                              keep_image=True)
    exported = log.export_csv(LEAD)
    log.engine.dispose()
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    for secret in secrets:
        assert secret.encode() not in stored
        assert secret not in caplog.text and secret not in exported and secret not in repr(case)
        assert secret not in repr(loaded.info)


def test_the_gates_concern_is_kept_and_a_refused_image_is_not_saved(tmp_path):
    from pneumo_core.decision import CAUTION, REFUSED, Assessment, Finding

    log = ReviewLog(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    pixels = np.full((8, 8), 0.5, np.float32)
    caution = pred().__class__(**{**pred().__dict__, "assessment": Assessment.of([Finding(CAUTION, "81 years old")])})
    case = log.record_reading(pixels, caution, "abc", "PNEUMONIA", typed("Dr A"))
    assert (case.gate_status, case.concern) == (CAUTION, "81 years old.")
    assert ",caution,81 years old.," in log.export_csv(LEAD)
    refused = caution.__class__(**{**caution.__dict__, "assessment": Assessment.of([Finding(REFUSED, "blank")])})
    with pytest.raises(ValueError, match="refused"):
        log.record_reading(pixels, refused, "abc", "NORMAL", typed("Dr A"))
    assert len(log.cases(LEAD)) == 1


def test_doctors_see_their_own_readings_and_reviewers_everyones(db_url):
    """Roles are checked by the core itself, not only by the pages: a call without the role is refused."""
    from identities import BAKER, CHEN, NOBODY

    from pneumo_core import AccessDenied

    log = ReviewLog(db_url)
    mine = log.record_reading(image(1), pred(), "abc", "NORMAL", AHMED, note="Clear lungs to my eye")
    theirs = log.record_reading(image(2), pred(), "abc", "UNSURE", BAKER)
    assert [c.reading_id for c in log.cases(AHMED)] == [mine.reading_id]
    assert [c.reading_id for c in log.worklist(BAKER)] == [theirs.reading_id]
    assert {c.reading_id for c in log.cases(CHEN)} == {mine.reading_id, theirs.reading_id}
    assert (mine.reader, mine.reader_verified, mine.reader_id) == ("Dr A. Ahmed", True, AHMED.subject)
    with pytest.raises(KeyError):
        log.case(theirs.reading_id, AHMED)
    with pytest.raises(KeyError):
        log.image(theirs.reading_id, AHMED)
    for refused in (lambda: log.export_csv(AHMED), lambda: log.add_event(mine.reading_id, AHMED, "reviewed"),
                    lambda: log.add_event(mine.reading_id, BAKER, "re-read", doctor_label="PNEUMONIA"),
                    lambda: log.cases(NOBODY), lambda: log.record_reading(image(3), pred(), "abc", "NORMAL", NOBODY)):
        with pytest.raises(AccessDenied):
            refused()
    reread = log.add_event(mine.reading_id, CHEN, "re-read", doctor_label="PNEUMONIA")
    assert (reread.latest.who, reread.latest.verified) == ("Dr C. Chen", True)
    assert (reread.doctor_label, reread.reader, reread.note) == ("NORMAL", "Dr A. Ahmed", "Clear lungs to my eye")
    assert len(log.cases(LEAD)) == 2  # nothing refused was written
    assert "Dr C. Chen re-read PNEUMONIA" in log.export_csv(CHEN)


@pytest.mark.parametrize("keep, burned_in, saved", [(True, True, False), (False, True, True), (True, False, True)],
                         ids=["copy-of-burned-in-refused", "reading-without-copy-saved", "ordinary-copy-kept"])
def test_a_dicom_declaring_burned_in_text_is_never_kept(tmp_path, keep, burned_in, saved):
    log = ReviewLog(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    film = np.full((700, 600), 0.5, np.float32)  # a copy needs >= 600 px; a plain image has no text to find
    call = lambda: log.record_reading(film, pred(), "abc", "NORMAL", AHMED, keep_image=keep,  # noqa: E731
                                      burned_in_annotation=burned_in)
    if saved:
        assert call().has_image == keep
    else:
        with pytest.raises(ValueError, match="burned-in annotation"):
            call()
    assert len(log.cases(LEAD)) == int(saved)
