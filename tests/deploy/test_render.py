"""deploy/nginx/render.py: the site template filled for one or several replicas (no nginx needed)."""

from __future__ import annotations

import re

import pytest

from deploy.nginx import render

BASE = ["--server-name", "pneumo.example", "--certificate", "/c.pem", "--certificate-key", "/k.pem",
        "--streamlit-index", "STREAMLIT_INDEX"]


def _site(tmp_path, *upstreams: str) -> str:
    index = tmp_path / "index.html"
    index.write_text("<html><script>window.x=1</script><script src='/a.js'></script></html>")
    out = tmp_path / "site.conf"
    argv = [str(index) if a == "STREAMLIT_INDEX" else a for a in BASE] + ["--output", str(out)]
    for upstream in upstreams:
        argv += ["--upstream", upstream]
    assert render.main(argv) == 0
    return out.read_text()


@pytest.mark.parametrize(("upstreams", "servers"), [
    ((), ["127.0.0.1:8501"]),
    (("10.0.0.11:8501",), ["10.0.0.11:8501"]),
    (("10.0.0.11:8501", "10.0.0.12:8501", "10.0.0.13:8502"), ["10.0.0.11:8501", "10.0.0.12:8501", "10.0.0.13:8502"]),
], ids=["default", "one", "three"])
def test_every_replica_is_an_upstream_behind_sticky_sessions(tmp_path, upstreams, servers):
    site = _site(tmp_path, *upstreams)
    block = re.search(r"upstream pneumo_streamlit \{(.*?)\n\}", site, re.DOTALL).group(1)
    assert re.findall(r"^\s*server (\S+);", block, re.MULTILINE) == servers
    assert "hash $pneumo_replica_key consistent;" in block
    assert "add_header Set-Cookie $pneumo_replica_cookie always;" in site
    assert "Secure; HttpOnly; SameSite=Lax" in site
    assert "@" not in re.sub(r"#.*", "", site).replace("@@", ""), "a placeholder was left unfilled"


def test_a_missing_value_is_named():
    with pytest.raises(ValueError, match="no value for @UPSTREAM_SERVERS@"):
        render.render("server @UPSTREAM_SERVERS@;", {})


def test_the_policy_allows_streamlits_inline_script_and_the_apps_keyboard_script_only(tmp_path):
    """Two hashes: Streamlit's one inline script and ui/keyboard.js, the text the app renders as is."""
    from ui.keyboard import SCRIPT

    site = _site(tmp_path)
    hashes = re.findall(r"'sha256-[A-Za-z0-9+/=]+'", site)
    assert hashes == [render.script_hash("window.x=1"), render.script_hash(SCRIPT)]
    assert "'unsafe-inline'" not in re.search(r"script-src[^;]*;", site).group(0)
