"""The servers the end-to-end tests run on loopback: `streamlit run app.py`, and nginx in front of it.

Import as ``from e2e.servers import ...``. Every server is stopped when its ``with`` block ends.
"""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from deploy.stack import NGINX, StackError, free_port, nginx_conf, wait_until_healthy

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = os.environ.get("PNEUMO_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require(missing: list[str], test: str) -> None:
    """Skip the test when something it needs is missing; in CI (``CI`` set), fail instead."""
    if missing:
        message = f"{test} needs {' and '.join(missing)}; .ci/run installs them"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def missing_browser() -> list[str]:
    """What the browser tests lack: Debian's chromium, the playwright package."""
    missing = []
    if not Path(CHROMIUM).is_file():
        missing.append(f"Debian's chromium at {CHROMIUM}")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    return missing


def _wait_until_healthy(url: str, proc: subprocess.Popen, log: Path, what: str, context: ssl.SSLContext | None = None) -> None:
    """``deploy.stack.wait_until_healthy``, failing the test (with the end of ``log``) instead of raising."""
    try:
        wait_until_healthy(url, proc, log, what, context)
    except StackError as exc:
        pytest.fail(str(exc))


@contextmanager
def streamlit_app(var: Path, port: int | None = None, args: tuple[str, ...] = (),
                  host: str = "127.0.0.1") -> Iterator[str]:
    """`streamlit run app.py` on loopback (a free port unless given; more command-line ``args``, e.g.
    ``--secrets.files``), its data in ``var``; yields its base URL, named with ``host``."""
    port = port or free_port()
    env = {**os.environ, "PNEUMO_VAR_DIR": str(var)}
    env.pop("PNEUMO_DATABASE_URL", None)
    log_path = var / "streamlit.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                                 "--server.port", str(port), "--server.address", "127.0.0.1", *args],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://{host}:{port}"
        _wait_until_healthy(f"{url}/_stcore/health", proc, log_path, "streamlit")
        try:
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=20)


@contextmanager
def nginx(prefix: Path, site: Path, health_url: str, context: ssl.SSLContext) -> Iterator[Path]:
    """nginx (not a service: a process of this test) serving ``site``; yields its error log once
    ``health_url`` answers. ``prefix`` must be readable by nginx's worker user when run as root."""
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_conf(prefix, site), encoding="utf-8")
    command = [NGINX, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"]
    checked = subprocess.run([*command[:-2], "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, f"nginx refuses the configuration:\n{checked.stderr}"
    error_log = prefix / "error.log"
    with open(prefix / "nginx.out", "wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        _wait_until_healthy(health_url, proc, error_log, "nginx", context)
        try:
            yield error_log
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def idle(page) -> None:
    """Wait until Streamlit has finished the current run in a Playwright page: the app says its script
    is not running (on a loaded machine the first elements of a page show, and take keys, long before
    the run reaches the page's last element, the keyboard script), no stale element, no spinner."""
    page.wait_for_timeout(500)
    page.wait_for_function("!!document.querySelector('[data-testid=stApp][data-test-script-state=notRunning]')"
                           " && document.querySelectorAll('[data-stale=true]').length === 0"
                           " && !document.body.innerText.includes('Computing the')", polling=250)
    page.wait_for_timeout(300)
