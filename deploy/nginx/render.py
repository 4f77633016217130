"""Render the nginx site for pneumo: fill the ``@NAME@`` placeholders of ``pneumo.conf``.

    .venv/bin/python deploy/nginx/render.py --server-name pneumo.hospital.example \\
        --certificate /etc/ssl/certs/pneumo.crt --certificate-key /etc/ssl/private/pneumo.key \\
        > /etc/nginx/sites-available/pneumo

Two values come from the app, so the proxy and the app cannot drift apart: the upload limit from
``.streamlit/config.toml`` (``server.maxUploadSize``) and, for the Content-Security-Policy, the hash
of the inline script in the installed Streamlit's ``index.html`` and of the app's own script
(``ui/keyboard.js``). Run it with the repository's virtual environment, and again after every
Streamlit upgrade or change to that script.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.util
import re
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "pneumo.conf"
STREAMLIT_CONFIG = HERE.parent.parent / ".streamlit" / "config.toml"
APP_SCRIPTS = [HERE.parent.parent / "ui" / "keyboard.js"]  # the app's own inline scripts (ui/keyboard.py)
STREAMLIT_DEFAULT_UPLOAD_MB = 200  # Streamlit's default server.maxUploadSize
MULTIPART_MARGIN_MB = 1  # what Streamlit itself allows above maxUploadSize for the multipart framing
DEFAULT_UPSTREAM = "127.0.0.1:8501"
PLACEHOLDER = re.compile(r"@[A-Z_]+@")
RENDERED = "# Rendered by deploy/nginx/render.py from deploy/nginx/pneumo.conf: change the template and render again.\n"
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def upload_limit_mb(config_toml: Path) -> int:
    """``server.maxUploadSize`` (megabytes) from a Streamlit config file; Streamlit's default without one."""
    if not config_toml.is_file():
        return STREAMLIT_DEFAULT_UPLOAD_MB
    config = tomllib.loads(config_toml.read_text(encoding="utf-8"))
    return int(config.get("server", {}).get("maxUploadSize", STREAMLIT_DEFAULT_UPLOAD_MB))


def streamlit_index_html() -> Path:
    """The ``index.html`` the installed Streamlit serves."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or spec.origin is None:
        raise SystemExit("streamlit is not installed here: run with the app's virtual environment "
                         "(.venv/bin/python) or pass --streamlit-index")
    return Path(spec.origin).parent / "static" / "index.html"


def script_hash(body: str) -> str:
    """The CSP source expression (``'sha256-...'``) allowing exactly one inline script."""
    return f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"


def inline_script_hashes(index_html: str) -> list[str]:
    """CSP source expressions allowing exactly the inline scripts of a page."""
    return [script_hash(body) for body in INLINE_SCRIPT.findall(index_html)]


def https_port_suffix(https_listen: str) -> str:
    """``:PORT`` for the HTTP-to-HTTPS redirect, or nothing when HTTPS is on its standard port 443."""
    port = https_listen.rsplit(":", 1)[-1]
    return "" if port == "443" else f":{port}"


def render(template: str, values: dict[str, str]) -> str:
    """The template with every ``@NAME@`` replaced; raises ``ValueError`` naming any left unfilled."""
    text = PLACEHOLDER.sub(lambda m: values.get(m.group(0)[1:-1], m.group(0)), template)
    missing = sorted(set(PLACEHOLDER.findall(text)))
    if missing:
        raise ValueError(f"no value for {', '.join(missing)}")
    return text


def values_from(args: argparse.Namespace) -> dict[str, str]:
    index = Path(args.streamlit_index) if args.streamlit_index else streamlit_index_html()
    return {
        "SERVER_NAME": args.server_name,
        "HTTP_LISTEN": args.http_listen,
        "HTTPS_LISTEN": args.https_listen,
        "HTTPS_PORT_SUFFIX": https_port_suffix(args.https_listen),
        "UPSTREAM_SERVERS": "\n".join(f"    server {address};" for address in args.upstream or [DEFAULT_UPSTREAM]),
        "SSL_CERTIFICATE": args.certificate,
        "SSL_CERTIFICATE_KEY": args.certificate_key,
        "CLIENT_MAX_BODY_SIZE": f"{upload_limit_mb(Path(args.streamlit_config)) + MULTIPART_MARGIN_MB}m",
        "INLINE_SCRIPT_HASHES": " ".join(inline_script_hashes(index.read_text(encoding="utf-8"))
                                         + [script_hash(path.read_text(encoding="utf-8")) for path in APP_SCRIPTS]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server-name", required=True, help="the name users type, e.g. pneumo.hospital.example")
    parser.add_argument("--certificate", required=True, help="PEM certificate chain for that name")
    parser.add_argument("--certificate-key", required=True, help="its private key")
    parser.add_argument("--http-listen", default="80", help="plain HTTP, only redirected (default 80)")
    parser.add_argument("--https-listen", default="443", help="HTTPS (default 443); ADDRESS:PORT works too")
    parser.add_argument("--upstream", action="append", help=f"where a Streamlit replica listens (default {DEFAULT_UPSTREAM}); "
                        "give it once per replica")
    parser.add_argument("--streamlit-config", default=str(STREAMLIT_CONFIG), help="the app's .streamlit/config.toml")
    parser.add_argument("--streamlit-index", help="Streamlit's static/index.html (default: the installed Streamlit's)")
    parser.add_argument("--output", help="write here instead of standard output")
    args = parser.parse_args(argv)
    try:
        text = RENDERED + render(TEMPLATE.read_text(encoding="utf-8"), values_from(args))
    except ValueError as exc:
        raise SystemExit(f"{TEMPLATE}: {exc}") from exc
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
