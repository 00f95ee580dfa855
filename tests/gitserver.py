"""Real git servers on 127.0.0.1 for the tests: ``git daemon`` and smart HTTP.

:func:`git_daemon` runs ``git daemon`` with pushing allowed (``receive-pack``);
:func:`smart_http` serves ``git http-backend`` through a small WSGI → CGI
bridge on a threaded ``wsgiref`` server. Both serve the bare repositories
below one folder and are stopped when the ``with`` block ends. Nothing
listens beyond 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import socket
import socketserver
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


@dataclass
class GitServer:
    """Bare repositories below ``base``, served at ``base_url``."""

    base: Path
    base_url: str
    refuse_push: bool = False
    """HTTP only: answer every push with 403, as a server without rights would."""
    stopped: list[Callable[[], None]] = field(default_factory=list)

    def create(self, name: str = "register.git") -> str:
        """A new, empty bare repository; its URL."""
        subprocess.run(
            ["git", "init", "--quiet", "--bare", "--initial-branch=main", str(self.base / name)],
            check=True,
        )
        return self.url(name)

    def url(self, name: str = "register.git") -> str:
        return f"{self.base_url}/{name}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the git server stopped at once (exit {process.returncode})")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


@contextlib.contextmanager
def git_daemon(base: Path) -> Iterator[GitServer]:
    """``git daemon`` serving every repository below ``base``, pushes allowed."""
    port = free_port()
    process = subprocess.Popen(
        [
            "git",
            "daemon",
            "--reuseaddr",
            "--listen=127.0.0.1",
            f"--port={port}",
            f"--base-path={base}",
            "--export-all",
            "--enable=receive-pack",
            "--informative-errors",
            str(base),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, process)
        yield GitServer(base, f"git://127.0.0.1:{port}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _backend(server: GitServer) -> Callable[..., Iterable[bytes]]:
    """A WSGI application that runs ``git http-backend`` as CGI for each request."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        query = environ.get("QUERY_STRING", "")
        path = environ.get("PATH_INFO", "")
        if server.refuse_push and (
            "service=git-receive-pack" in query or path.endswith("/git-receive-pack")
        ):
            start_response("403 Forbidden", [("Content-Type", "text/plain")])
            return [b"pushing is not allowed for this user\n"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        cgi = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": str(server.base),
            "GIT_HTTP_EXPORT_ALL": "1",
            "REMOTE_USER": "test",
            "REMOTE_ADDR": "127.0.0.1",
            "REQUEST_METHOD": environ["REQUEST_METHOD"],
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_TYPE": environ.get("CONTENT_TYPE", ""),
            "CONTENT_LENGTH": str(len(body)),
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_PROTOCOL": environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
        }
        for name in ("HTTP_CONTENT_ENCODING", "HTTP_GIT_PROTOCOL"):
            if environ.get(name):
                cgi[name] = environ[name]
        result = subprocess.run(
            ["git", "http-backend"], input=body, env=cgi, capture_output=True, check=False
        )
        head, _, rest = result.stdout.partition(b"\r\n\r\n")
        if not _:
            head, _, rest = result.stdout.partition(b"\n\n")
        status = "200 OK"
        headers = []
        for line in head.decode("latin-1").splitlines():
            name, _sep, value = line.partition(":")
            if name.lower() == "status":
                status = value.strip()
            elif name:
                headers.append((name.strip(), value.strip()))
        start_response(status, headers)
        return [rest]

    return application


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def smart_http(base: Path) -> Iterator[GitServer]:
    """Smart HTTP (``git http-backend``) for every repository below ``base``."""
    port = free_port()
    server = GitServer(base, f"http://127.0.0.1:{port}")
    httpd = make_server(
        "127.0.0.1",
        port,
        _backend(server),
        server_class=_ThreadingServer,
        handler_class=_QuietHandler,
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        _wait_for(port)
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers: a server that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                connection, _ = listener.accept()
                accepted.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in accepted:
            connection.close()
        listener.close()
