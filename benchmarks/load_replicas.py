"""The app under concurrent users, through nginx, with 1 replica and with 2, side by side in one run.

    .venv/bin/python -m benchmarks.load_replicas [--users 4] [--films 3] [--database POSTGRES_URL]

Starts the stack of deploy/stack.py (PostgreSQL: ``--database``, else ``PNEUMO_TEST_POSTGRES_URL``,
else Debian's PostgreSQL here; a new database per configuration), warms every replica with one read
(the model loads on the first one), then lets ``--users`` headless Chromium users work at once. Each
user opens the app, types a name, uploads a Kermany test film, waits for the label (time-to-label),
saves a reading and waits for the confirmation (time-to-save), ``--films`` times. Prints p50 / p95 of
both, errors, and how the users were spread over the replicas; checks that the review log holds
every reading whose save was confirmed (exit status 1 if not). Asserts nothing about time. Needs
chromium and nginx (``make test`` installs them).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from deploy.stack import Stack, create_database, local_postgres
from pneumo_core import Identity, ReviewLog, Settings

CHROMIUM = os.environ.get("PNEUMO_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--no-first-run"]
NAME_BOX = "Your name or initials (demo mode: not verified)"
TIMEOUT_MS = 180_000
SHOTS = os.environ.get("PNEUMO_LOAD_SHOTS")  # a folder for a screenshot of every failed visit


@dataclass
class User:
    name: str
    films: list[Path]
    label_s: list[float] = field(default_factory=list)
    save_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    route: str = ""
    retries: int = 0  # uploads the browser did not send and were chosen again


def _session(browser, url: str, user: User, film: Path) -> tuple[float, float]:
    """One visit: open, name, upload ``film``, wait for the label, save, wait for the confirmation."""
    from playwright.sync_api import expect

    # bypass_csp: _idle's wait_for_function needs eval, which the proxy's policy rightly forbids pages
    context = browser.new_context(ignore_https_errors=True, bypass_csp=True, viewport={"width": 1366, "height": 1000})
    if user.route:
        context.add_cookies([{"name": "pneumo_replica", "value": user.route, "url": url}])
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url)
        expect(page.get_by_role("heading", name="Read chest X-rays")).to_be_visible(timeout=TIMEOUT_MS)
        page.get_by_role("textbox", name=NAME_BOX).fill(user.name)
        page.keyboard.press("Enter")
        _idle(page)  # the name is in the session before the upload starts another run
        start = _upload(page, user, film)
        expect(page.get_by_text("Pneumonia probability:")).to_be_visible(timeout=TIMEOUT_MS)
        labelled = time.perf_counter()
        _idle(page)
        form = page.get_by_test_id("stForm")
        form.get_by_text("Unsure", exact=True).click()
        save = time.perf_counter()
        form.get_by_role("button", name="Save reading").click()
        expect(page.get_by_text("You were unsure; the model said")).to_be_visible(timeout=TIMEOUT_MS)
        user.route = user.route or next(c["value"] for c in context.cookies() if c["name"] == "pneumo_replica")
        return labelled - start, time.perf_counter() - save
    except Exception:
        if SHOTS:
            page.screenshot(path=Path(SHOTS) / f"{user.name.replace(' ', '-')}-{film.stem}.png")
        raise
    finally:
        context.close()


def _upload(page, user: User, film: Path) -> float:
    """Choose ``film`` in the uploader and wait until the browser has sent it; when it sends nothing
    (the file input was drawn again just then, seen under load), choose it once more and count a
    retry. Returns when the upload that went through began."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(2):
        start = time.perf_counter()
        try:
            with page.expect_response(lambda r: "/_stcore/upload_file/" in r.url and r.request.method == "PUT",
                                      timeout=30_000 if attempt == 0 else TIMEOUT_MS):
                page.set_input_files("input[type=file]", str(film))
            return start
        except PlaywrightTimeout:
            if attempt:
                raise
            user.retries += 1
            _idle(page)
    raise AssertionError("unreachable")


def _idle(page) -> None:
    """Wait until Streamlit has finished the current run: no stale element, no spinner."""
    page.wait_for_timeout(300)
    page.wait_for_function("document.querySelectorAll('[data-stale=true]').length === 0"
                           " && !document.body.innerText.includes('Computing the')", polling=250, timeout=TIMEOUT_MS)


def _work(url: str, user: User, barrier: threading.Barrier) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            barrier.wait()
            for film in user.films:
                try:
                    label_s, save_s = _session(browser, url, user, film)
                    user.label_s.append(label_s)
                    user.save_s.append(save_s)
                except Exception as exc:  # noqa: BLE001 -- an error is a result here, counted
                    what = [line.strip() for line in str(exc).splitlines() if 'Expect "' in line or "Error" in line]
                    what.sort(key=lambda line: 'Expect "' not in line)  # what was awaited, first
                    user.errors.append(f"{type(exc).__name__}: {(what or [str(exc)])[0][:160]}")
        finally:
            browser.close()


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def measure(base_url: str, replicas: int, users: int, films: list[Path]) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="pneumo-load-"))
    folder.chmod(0o755)
    database = create_database(base_url, f"pneumo_load_{uuid.uuid4().hex[:10]}")
    try:
        with Stack(folder, database, replicas=replicas) as stack:
            warm = [User(f"Warm-up {i + 1}", films[:1], route=stack.route_to(i)) for i in range(replicas)]
            for user in warm:  # loads the model in every replica before anything is timed
                _work(stack.https, user, threading.Barrier(1))
            crowd = [User(f"Dr Load {i + 1}", [films[(i + k) % len(films)] for k in range(len(films))])
                     for i in range(users)]
            barrier = threading.Barrier(users)
            threads = [threading.Thread(target=_work, args=(stack.https, u, barrier)) for u in crowd]
            start = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - start
            spread = [stack.replica_of(u.route) if u.route else None for u in crowd]
            saved = ReviewLog(database).cases(Identity.demo("benchmark"))
    finally:
        if not SHOTS:  # when debugging, the stack's logs are kept beside the screenshots
            shutil.rmtree(folder, ignore_errors=True)
    labels = [s for u in crowd for s in u.label_s]
    saves = [s for u in crowd for s in u.save_s]
    return {"replicas": replicas, "wall": wall, "label": labels, "save": saves,
            "errors": [e for u in crowd for e in u.errors] + [e for u in warm for e in u.errors],
            "spread": [spread.count(i) for i in range(replicas)], "retries": sum(u.retries for u in crowd),
            "saved": len([c for c in saved if c.reader.startswith("Dr Load")]), "expected": users * len(films),
            "confirmed": len(saves)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=4, help="users working at once (default 4)")
    parser.add_argument("--films", type=int, default=3, help="films each user reads and saves (default 3)")
    parser.add_argument("--database", help="a PostgreSQL server URL (a new database is made on it per run)")
    args = parser.parse_args(argv)
    base = args.database or os.environ.get("PNEUMO_TEST_POSTGRES_URL") or local_postgres()
    test = Settings.from_env().data_dir / "test"
    films = [sorted((test / label).iterdir())[i] for i in range(args.films) for label in ("NORMAL", "PNEUMONIA")][:args.films]
    results = [measure(base, replicas, args.users, films) for replicas in (1, 2)]
    header = (f"{'replicas':>8} {'users':>5} {'readings':>8} {'label p50 s':>11} {'label p95 s':>11} "
              f"{'save p50 s':>10} {'save p95 s':>10} {'errors':>6} {'re-chosen':>9} {'users per replica':>17} {'wall s':>7}")
    lines = [f"{args.users} users at once, {args.films} films each, through nginx (HTTPS) on this machine "
             f"({os.cpu_count()} CPUs); time-to-label: upload to label shown; time-to-save: click to confirmation",
             header, "-" * len(header)]
    for r in results:
        lines.append(f"{r['replicas']:>8} {args.users:>5} {r['saved']:>3}/{r['expected']:<4} "
                     f"{_pct(r['label'], 50):>11.1f} {_pct(r['label'], 95):>11.1f} {_pct(r['save'], 50):>10.2f} "
                     f"{_pct(r['save'], 95):>10.2f} {len(r['errors']):>6} {r['retries']:>9} "
                     f"{'/'.join(map(str, r['spread'])):>17} "
                     f"{r['wall']:>7.0f}")
    for r in results:
        lines += [f"  error ({r['replicas']} replicas): {e}" for e in r["errors"]]
    sys.stdout.write("\n".join(lines) + "\n")
    lost = [r for r in results if r["saved"] < r["confirmed"]]
    for r in lost:
        sys.stdout.write(f"LOST ({r['replicas']} replicas): {r['confirmed']} saves confirmed, {r['saved']} in the log\n")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
