"""The hospital's reverse proxy, tested: deploy/nginx/pneumo.conf rendered by deploy/nginx/render.py,
run by Debian's nginx on loopback with a throw-away self-signed certificate, in front of
`streamlit run app.py`.

Plain HTTPS requests check the redirect, TLS versions, every security header, the blocked Streamlit
endpoints and the upload limit; Debian's chromium (Playwright) checks that the app loads over HTTPS
through the proxy, its WebSocket works, an upload goes through, images come back uncacheable, and that
the Content-Security-Policy is violated by nothing. Skipped without nginx or chromium; in CI (``CI``
set) it fails instead.
"""

from __future__ import annotations

import http.client
import shutil
import ssl
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from e2e.servers import CHROMIUM, FLAGS, NGINX, ROOT, free_port, missing_browser, nginx, require, streamlit_app

from deploy.stack import self_signed

TIMEOUT_MS = 45_000
HEADERS = {  # the value of each, or a function the value must pass
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=31536000",
    "Permissions-Policy": lambda v: "camera=()" in v and "microphone=()" in v and "geolocation=()" in v,
    "Content-Security-Policy": lambda v: _strict_csp(v),
}
BLOCKED = [("GET", "/_stcore/metrics"), ("GET", "/_stcore/agent/openapi.json"), ("POST", "/_stcore/agent/interact"),
           ("POST", "/_stcore/agent/mcp"), ("GET", "/_stcore/script-health-check"), ("GET", "/_stcore/anything-new"),
           ("GET", "/app/static/secret.txt")]
PASSED_THROUGH = ["/_stcore/health", "/_stcore/host-config", "/static/favicon.png", "/favicon.png", "/component/x/index.html",
                  "/media/no-such-file.png", "/auth/login", "/oauth2callback", "/review"]  # same answer as Streamlit's own
NGINX_PAGE = b"<center>nginx</center>"  # in every error page nginx writes itself


@dataclass(frozen=True)
class Proxy:
    https: str  # https://127.0.0.1:PORT
    http: str  # http://127.0.0.1:PORT, which only redirects
    app: str  # Streamlit itself, behind the proxy
    tls: ssl.SSLContext  # trusts nothing, checks nothing: the certificate is self-signed
    site: str  # the rendered site configuration


def _strict_csp(policy: str) -> bool:
    """Nothing loads from elsewhere, nothing frames the app, and no script runs but this server's files
    and inline scripts allowed by hash (no 'unsafe-inline', no 'unsafe-eval')."""
    directives = {name: sources for name, *sources in (d.split() for d in policy.split(";") if d.strip())}
    scripts = directives.get("script-src", [])
    hashes = {source for source in scripts if source.startswith("'sha256-")}
    return (directives.get("default-src") == ["'self'"] and directives.get("frame-ancestors") == ["'none'"]
            and directives.get("object-src") == ["'none'"] and bool(hashes)
            and set(scripts) - hashes == {"'self'", "'wasm-unsafe-eval'"})  # WebAssembly only, never JS eval


def _tls(minimum=ssl.TLSVersion.TLSv1_2, maximum=ssl.TLSVersion.MAXIMUM_SUPPORTED) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version, context.maximum_version = minimum, maximum
    return context


@pytest.fixture(scope="module")
def proxy():
    require(missing_browser() + ([] if Path(NGINX).is_file() else [f"Debian's nginx at {NGINX}"]), "the proxy test")
    folder = Path(tempfile.mkdtemp(prefix="pneumo-proxy-"))
    folder.chmod(0o755)  # nginx's workers (user nobody when the test runs as root) use temporary folders inside
    try:
        cert, key = self_signed(folder)
        (folder / "var").mkdir()
        with streamlit_app(folder / "var") as app:
            https_port, http_port = free_port(), free_port()
            site = folder / "pneumo.conf"
            subprocess.run([sys.executable, ROOT / "deploy/nginx/render.py", "--server-name", "localhost",
                            "--certificate", cert, "--certificate-key", key, "--upstream", urlsplit(app).netloc,
                            "--https-listen", f"127.0.0.1:{https_port}", "--http-listen", f"127.0.0.1:{http_port}",
                            "--output", site], check=True)
            https = f"https://127.0.0.1:{https_port}"
            with nginx(folder, site, f"{https}/_stcore/health", _tls()):
                yield Proxy(https, f"http://127.0.0.1:{http_port}", app, _tls(), site.read_text())
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _request(base: str, path: str, method: str = "GET", headers: dict | None = None, tls: ssl.SSLContext | None = None):
    """One request; returns the response (body read) without following redirects or raising on errors."""
    url = urlsplit(base)
    if url.scheme == "https":
        conn = http.client.HTTPSConnection(url.hostname, url.port, timeout=20, context=tls or _tls())
    else:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=20)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        response.body = response.read()
        return response
    finally:
        conn.close()


def test_plain_http_only_redirects_to_https(proxy):
    response = _request(proxy.http, "/review?x=1")
    assert response.status == 301
    assert response.getheader("Location") == f"{proxy.https}/review?x=1"
    assert response.getheader("Server") == "nginx", "server_tokens off: no version"


@pytest.mark.parametrize(("version", "accepted"), [(ssl.TLSVersion.TLSv1, False), (ssl.TLSVersion.TLSv1_1, False),
                                                   (ssl.TLSVersion.TLSv1_2, True), (ssl.TLSVersion.TLSv1_3, True)],
                         ids=["TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3"])
def test_only_tls_1_2_and_newer(proxy, version, accepted):
    tls = _tls(version, version)
    if version < ssl.TLSVersion.TLSv1_2:
        tls.set_ciphers("DEFAULT:@SECLEVEL=0")  # so that this client offers it at all: the server must refuse it
    if accepted:
        assert _request(proxy.https, "/_stcore/health", tls=tls).status == 200
    else:
        with pytest.raises(ssl.SSLError, match="ALERT_PROTOCOL_VERSION"):
            _request(proxy.https, "/_stcore/health", tls=tls)


@pytest.mark.parametrize("path", ["/", "/_stcore/health", "/_stcore/metrics", "/media/no-such-file.png"])
def test_every_answer_carries_the_security_headers(proxy, path):
    response = _request(proxy.https, path)
    for name, expected in HEADERS.items():
        values = response.headers.get_all(name) or []
        assert len(values) == 1, f"{path}: {name} sent {len(values)} times: {values}"
        assert expected(values[0]) if callable(expected) else values[0] == expected, f"{path}: {name}: {values[0]}"
    assert response.getheader("Server") == "nginx", "server_tokens off: no version"


@pytest.mark.parametrize(("method", "path"), BLOCKED)
def test_streamlit_internals_are_not_reachable(proxy, method, path):
    response = _request(proxy.https, path, method)
    assert response.status == 404 and NGINX_PAGE in response.body
    if path == "/_stcore/metrics":
        assert _request(proxy.app, path).status == 200, "Streamlit itself serves it: the proxy is what blocks it"


@pytest.mark.parametrize("path", PASSED_THROUGH)
def test_what_the_app_needs_passes_through(proxy, path):
    direct, proxied = _request(proxy.app, path), _request(proxy.https, path)
    assert proxied.status == direct.status, f"{path}: {proxied.status} through the proxy, {direct.status} direct"
    assert NGINX_PAGE not in proxied.body, f"{path}: answered by nginx, not by Streamlit"
    if path == "/_stcore/health":
        assert proxied.body == b"ok"


@pytest.mark.parametrize(("method", "path"), [("POST", "/"), ("POST", "/review"), ("PUT", "/media/x.png")])
def test_pages_and_media_are_read_only(proxy, method, path):
    assert _request(proxy.https, path, method).status == 403


def test_oversized_upload_is_refused_with_413(proxy):
    """Refused on its Content-Length alone, before a byte of the body is sent; the limit follows config.toml."""
    config = tomllib.loads((ROOT / ".streamlit/config.toml").read_text()).get("server", {})
    limit_mb = config.get("maxUploadSize", 200) + 1  # Streamlit's 1 MB margin for the multipart framing
    assert f"client_max_body_size {limit_mb}m;" in proxy.site
    url = urlsplit(proxy.https)
    conn = http.client.HTTPSConnection(url.hostname, url.port, timeout=20, context=proxy.tls)
    try:
        conn.putrequest("PUT", "/_stcore/upload_file/some-session/some-file")
        conn.putheader("Content-Type", "multipart/form-data; boundary=x")
        conn.putheader("Content-Length", str(limit_mb * 1024 * 1024 + 1))
        conn.endheaders()
        assert conn.getresponse().status == 413
    finally:
        conn.close()


def _small_png(folder: Path) -> Path:
    import numpy as np
    from PIL import Image

    path = folder / "proxy-test.png"
    ramp = np.linspace(0, 255, 256, dtype=np.uint8)
    Image.fromarray(np.add.outer(ramp // 2, ramp // 2).astype(np.uint8)).save(path)
    return path


class _Traffic:
    """What a page did: CSP violations and console errors, WebSockets opened, upload and media answers."""

    SHOW_VIOLATIONS = ("document.addEventListener('securitypolicyviolation', e => console.error("
                       "`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`))")

    def __init__(self, page):
        self.problems, self.sockets, self.uploads, self.media = [], [], [], []
        page.add_init_script(self.SHOW_VIOLATIONS)  # Chromium also logs each one; this names the directive
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("websocket", lambda socket: self.sockets.append(socket.url))
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text}")

    def _response(self, response) -> None:
        path = urlsplit(response.url).path
        if path.startswith("/_stcore/upload_file/"):
            self.uploads.append((response.request.method, response.status))
        elif path.startswith("/media/"):
            self.media.append((response.status, response.headers.get("cache-control")))


def test_the_app_works_through_the_proxy_in_a_real_browser(proxy, tmp_path):
    """Over HTTPS through nginx: the page loads, the WebSocket runs the app, an upload goes through
    /_stcore/upload_file, its film shows in the viewer (a data: image inside the page; anything served
    from /media/ is no-store), clearing the batch empties the page (the upload itself was released by
    the server once read); and nothing violates the Content-Security-Policy, the app's keyboard
    script included (its hash is in the policy)."""
    from playwright.sync_api import expect, sync_playwright

    png = _small_png(tmp_path)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[*FLAGS, "--ignore-certificate-errors"])
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        traffic = _Traffic(page)
        try:
            page.goto(proxy.https)
            expect(page.get_by_role("heading", name="Read chest X-rays")).to_be_visible()
            page.set_input_files("input[type=file]", str(png))
            expect(page.get_by_text(f"{png.name} · PNG")).to_be_visible()  # read on the server
            expect(page.locator(".js-plotly-plot image").first).to_be_attached()  # the film, in the viewer
            page.wait_for_function("() => window.pneumoRowKeys === true")  # the keyboard script ran
            page.get_by_role("button", name="Clear the batch").click()
            anyway = page.get_by_role("button", name="Clear anyway")  # asked when the model read it, unsaved
            page.wait_for_timeout(1500)
            if anyway.count():
                anyway.click()
            expect(page.get_by_text("Upload one or more images to see the model's reading")).to_be_visible()
        finally:
            browser.close()
    assert traffic.sockets == [f"{proxy.https.replace('https', 'wss')}/_stcore/stream"]
    assert ("PUT", 204) in traffic.uploads, traffic.uploads
    assert all(answer == (200, "no-store") for answer in traffic.media), traffic.media
    assert not traffic.problems, "\n".join(traffic.problems)
