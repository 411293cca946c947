"""A static file server for the built site, on the loopback interface only."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # only cli.py prints


def make_server(
    site_dir: Path, host: str = "127.0.0.1", port: int = 8000
) -> http.server.ThreadingHTTPServer:
    """A server for site_dir; the caller runs serve_forever() and server_close()."""
    if not (site_dir / "index.html").is_file():
        raise FileNotFoundError(site_dir / "index.html")
    handler = functools.partial(_Quiet, directory=str(site_dir))
    return http.server.ThreadingHTTPServer((host, port), handler)
