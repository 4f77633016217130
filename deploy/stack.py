"""The whole pneumo stack on one machine, for a demo or a test: PostgreSQL, N Streamlit replicas, nginx.

    .venv/bin/python deploy/stack.py                       # 2 replicas at https://localhost:8443
    .venv/bin/python deploy/stack.py --replicas 3 --database postgresql+psycopg://user:pw@host/pneumo

Without ``--database`` it starts Debian's PostgreSQL on loopback (``tools/ci_postgres.sh``, which
installs it when missing: needs root) and uses its database ``pneumo``, created if need be. Each
replica is ``streamlit run app.py`` on a loopback port with the same review-log database and the same
cookie secret; nginx runs ``deploy/nginx/pneumo.conf``, rendered with every replica as an upstream,
with sticky sessions. The certificate is a throw-away self-signed one unless ``--certificate`` is
given (the browser warns). Ctrl+C stops everything. The end-to-end test and the load benchmark use
``Stack`` from here. Running on several hosts: see deploy/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import logging
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: deploy/ is not a package on the path
    sys.path.insert(0, str(ROOT))

from deploy.nginx import render  # noqa: E402

log = logging.getLogger("pneumo.stack")
NGINX = os.environ.get("PNEUMO_NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
START_TIMEOUT_S = 120
# The access log says which replica answered each request ($upstream_addr) and for which browser
# (its sticky-session cookie, a random routing key, no identity).
LOG_FORMAT = "'$remote_addr [$time_local] \"$request\" $status $upstream_addr route=$cookie_pneumo_replica'"


class StackError(RuntimeError):
    """A part of the stack did not start; the message ends with the end of its log."""


def _ephemeral_ports() -> range:
    """The ports this machine gives outgoing connections (Linux: ip_local_port_range)."""
    try:
        low, high = (int(v) for v in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999  # Linux's default
    return range(low, high + 1)


def free_port() -> int:
    """A free loopback port outside the range of outgoing connections' ports: a port taken from that
    range (``bind(0)``) can be taken again, by any outgoing connection (a health check of this very
    stack), in the seconds before the server that was to listen on it starts."""
    ephemeral = _ephemeral_ports()
    for _ in range(200):
        port = secrets.choice(range(20000, ephemeral.start)) if ephemeral.start > 21000 else 0
        if port in _HANDED_OUT:  # free now, but promised to an earlier caller of this process
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            port = s.getsockname()[1]
        _HANDED_OUT.add(port)
        return port
    raise StackError("no free loopback port found to start the stack on")


_HANDED_OUT: set[int] = set()


def wait_until_healthy(url: str, proc: subprocess.Popen, log_path: Path, what: str,
                       context: ssl.SSLContext | None = None, timeout_s: float = START_TIMEOUT_S) -> None:
    """Poll ``url`` until it answers 200; kill ``proc`` and raise ``StackError`` if it never does or dies."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if urllib.request.urlopen(url, timeout=2, context=context).status == 200:
                return
        except OSError:
            time.sleep(0.5)
    proc.kill()
    proc.wait()
    raise StackError(f"{what} did not start within {timeout_s:.0f} s: {log_path.read_text(errors='replace')[-2000:]}")


def insecure_tls() -> ssl.SSLContext:
    """A client context that accepts the self-signed certificate (for health checks on loopback)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A throw-away certificate for 127.0.0.1 and localhost, valid for a day."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "pneumo.crt", folder / "pneumo.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


def nginx_conf(prefix: Path, site: Path) -> str:
    """A whole nginx.conf around one site file, with every path (pid, logs, temporary files) in ``prefix``."""
    temp = "\n".join(f"    {kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"worker_processes 1;\npid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'} warn;\n"
            f"events {{ worker_connections 512; }}\n"
            f"http {{\n    log_format pneumo {LOG_FORMAT};\n    access_log {prefix / 'access.log'} pneumo;\n"
            f"{temp}\n    include {site};\n}}\n")


def local_postgres(database: str = "pneumo") -> str:
    """Debian's PostgreSQL on loopback (started, installed if missing) and a URL of ``database`` on it."""
    base = subprocess.run([ROOT / "tools/ci_postgres.sh"], check=True, capture_output=True, text=True).stdout.strip()
    return create_database(base, database, exist_ok=True)


def create_database(base_url: str, name: str, exist_ok: bool = False) -> str:
    """Create database ``name`` on the server of ``base_url``; its URL."""
    from sqlalchemy import create_engine, text

    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if exists and not exist_ok:
                raise StackError(f"database {name} already exists")
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return base_url.rsplit("/", 1)[0] + "/" + name


@dataclass
class Replica:
    port: int
    var: Path
    proc: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"


class Stack:
    """N replicas and nginx in ``folder`` (which must be readable by nginx's workers when run as root),
    on ``database_url``. Use as a context manager; ``https`` is the address users open."""

    def __init__(self, folder: Path, database_url: str, replicas: int = 2, https_port: int | None = None,
                 http_port: int | None = None, app_args: tuple[str, ...] = (),
                 certificate: tuple[Path, Path] | None = None):
        self.folder, self.database_url, self.app_args = folder, database_url, app_args
        self.https_port, self.http_port = https_port or free_port(), http_port or free_port()
        self.replicas = [Replica(free_port(), folder / f"replica-{i + 1}") for i in range(replicas)]
        self.cookie_secret = secrets.token_urlsafe(32)  # the same for every replica
        self.certificate = certificate
        self.nginx: subprocess.Popen | None = None

    @property
    def https(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def access_log(self) -> Path:
        return self.folder / "access.log"

    def __enter__(self) -> Stack:
        try:
            for i in range(len(self.replicas)):
                self.start_replica(i, wait=False)
            for i in range(len(self.replicas)):
                self._wait(i)
            self._start_nginx()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start_replica(self, i: int, wait: bool = True) -> None:
        replica = self.replicas[i]
        replica.var.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PNEUMO_VAR_DIR": str(replica.var), "PNEUMO_DATABASE_URL": self.database_url,
               "STREAMLIT_SERVER_COOKIE_SECRET": self.cookie_secret}  # Streamlit refuses it on the command line
        command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                   "--server.address", "127.0.0.1", "--server.port", str(replica.port), *self.app_args]
        with open(replica.var / "streamlit.log", "ab") as out:
            replica.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        if wait:
            self._wait(i)

    def _wait(self, i: int) -> None:
        replica = self.replicas[i]
        wait_until_healthy(f"{replica.url}/_stcore/health", replica.proc, replica.var / "streamlit.log",
                           f"replica {i + 1}")

    def stop_replica(self, i: int) -> None:
        """Stop replica ``i`` as a crash or a host going down would (no goodbye to its browsers)."""
        proc = self.replicas[i].proc
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=20)

    def replica_of(self, route: str) -> int | None:
        """Which replica last answered the browser with sticky-session cookie ``route`` (from the access log)."""
        found = None
        for line in self.access_log.read_text(errors="replace").splitlines():
            if line.endswith(f"route={route}"):
                for i, replica in enumerate(self.replicas):
                    if f" {replica.address} " in line:
                        found = i
        return found

    def route_to(self, replica: int, tries: int = 64) -> str:
        """A sticky-session cookie value that nginx sends to ``replica`` (found by asking nginx)."""
        import http.client
        import uuid

        for _ in range(tries):
            route = uuid.uuid4().hex
            conn = http.client.HTTPSConnection("127.0.0.1", self.https_port, timeout=10, context=insecure_tls())
            try:
                conn.request("GET", "/_stcore/health", headers={"Cookie": f"pneumo_replica={route}"})
                conn.getresponse().read()
            finally:
                conn.close()
            if self.replica_of(route) == replica:
                return route
        raise StackError(f"no cookie value found that nginx sends to replica {replica + 1} in {tries} tries")

    def _start_nginx(self) -> None:
        cert, key = self.certificate or self_signed(self.folder)
        site = self.folder / "pneumo-site.conf"
        argv = ["--server-name", "localhost", "--certificate", str(cert), "--certificate-key", str(key),
                "--https-listen", f"127.0.0.1:{self.https_port}", "--http-listen", f"127.0.0.1:{self.http_port}",
                "--output", str(site)]
        for replica in self.replicas:
            argv += ["--upstream", replica.address]
        render.main(argv)
        conf = self.folder / "nginx.conf"
        conf.write_text(nginx_conf(self.folder, site), encoding="utf-8")
        command = [NGINX, "-p", str(self.folder), "-c", str(conf), "-g", "daemon off;"]
        checked = subprocess.run([*command[:-2], "-t"], capture_output=True, text=True)
        if checked.returncode:
            raise StackError(f"nginx refuses the configuration:\n{checked.stderr}")
        with open(self.folder / "nginx.out", "wb") as out:
            self.nginx = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        wait_until_healthy(f"{self.https}/_stcore/health", self.nginx, self.folder / "error.log", "nginx", insecure_tls())

    def stop(self) -> None:
        for proc in [self.nginx, *(r.proc for r in self.replicas)]:
            if proc and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2, help="Streamlit processes (default 2)")
    parser.add_argument("--database", help="the shared review log (default: Debian's PostgreSQL here, database pneumo)")
    parser.add_argument("--https-port", type=int, default=8443, help="where users connect (default 8443)")
    parser.add_argument("--http-port", type=int, default=8080, help="plain HTTP, only redirected (default 8080)")
    parser.add_argument("--certificate", type=Path, help="PEM certificate (default: a self-signed one)")
    parser.add_argument("--certificate-key", type=Path, help="its private key")
    parser.add_argument("--secrets", type=Path, help="a secrets.toml with [auth] for sign-in (default: demo mode)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.replicas < 1:
        parser.error("expected at least 1 replica")
    if bool(args.certificate) != bool(args.certificate_key):
        parser.error("give --certificate and --certificate-key together")
    database = args.database or local_postgres()
    folder = Path(tempfile.mkdtemp(prefix="pneumo-stack-"))
    folder.chmod(0o755)  # nginx's workers (user nobody when run as root) use temporary folders inside
    app_args = ("--secrets.files", str(args.secrets.resolve())) if args.secrets else ()
    certificate = (args.certificate.resolve(), args.certificate_key.resolve()) if args.certificate else None
    stack = Stack(folder, database, args.replicas, args.https_port, args.http_port, app_args, certificate)
    with stack:
        ports = ", ".join(str(r.port) for r in stack.replicas)
        log.info("pneumo is at https://localhost:%d (%d replicas on loopback ports %s; logs in %s). Ctrl+C stops it.",
                 stack.https_port, len(stack.replicas), ports, folder)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            while stack.nginx.poll() is None:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
