"""The servers the end-to-end tests run on loopback: `streamlit run app.py`, and nginx in front of it.

Import as ``from e2e.servers import ...``. Every server is stopped when its ``with`` block ends.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = os.environ.get("PNEUMO_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NGINX = os.environ.get("PNEUMO_NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
START_TIMEOUT_S = 120


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_healthy(url: str, proc: subprocess.Popen, log: Path, what: str, context: ssl.SSLContext | None = None) -> None:
    """Poll ``url`` until it answers 200; fail with the end of ``log`` if it never does or the process dies."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if urllib.request.urlopen(url, timeout=2, context=context).status == 200:
                return
        except OSError:
            time.sleep(0.5)
    proc.kill()
    proc.wait()
    pytest.fail(f"{what} did not start within {START_TIMEOUT_S} s: {log.read_text(errors='replace')[-2000:]}")


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


def _nginx_conf(prefix: Path, site: Path) -> str:
    """A whole nginx.conf around one site file, with every path (pid, logs, temporary files) in ``prefix``."""
    temp = "\n".join(f"    {kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"worker_processes 1;\npid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'} warn;\n"
            f"events {{ worker_connections 128; }}\n"
            f"http {{\n    access_log {prefix / 'access.log'};\n{temp}\n    include {site};\n}}\n")


@contextmanager
def nginx(prefix: Path, site: Path, health_url: str, context: ssl.SSLContext) -> Iterator[Path]:
    """nginx (not a service: a process of this test) serving ``site``; yields its error log once
    ``health_url`` answers. ``prefix`` must be readable by nginx's worker user when run as root."""
    conf = prefix / "nginx.conf"
    conf.write_text(_nginx_conf(prefix, site), encoding="utf-8")
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
    """Wait until Streamlit has finished the current run in a Playwright page: no stale element, no spinner."""
    page.wait_for_timeout(500)
    page.wait_for_function("document.querySelectorAll('[data-stale=true]').length === 0"
                           " && !document.body.innerText.includes('Computing the')", polling=250)
    page.wait_for_timeout(300)
