"""Fixtures of the download tests: a folder served on 127.0.0.1 from a background thread, and a toy data set
registered in place of the real ones."""

import functools
import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cbrec_lab.datasets.remote import REMOTE_DATASETS, RemoteDataset


class LocalHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder quietly and records the paths asked for; waits ``delay`` seconds before each answer;
    ``/drip/<n>`` sends n bytes, one per 0.1 s (a mirror that never quite stops)."""

    requests: list = []
    delay = 0.0

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass

    def do_GET(self):
        type(self).requests.append(self.path)
        time.sleep(self.delay)
        if self.path.startswith("/drip/"):
            size = int(self.path.rsplit("/", 1)[1])
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            try:
                for _ in range(size):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:  # the client gave up
                pass
            return
        super().do_GET()


@contextmanager
def serve(folder: Path) -> Iterator[tuple[str, type[LocalHandler]]]:
    """Serve ``folder``; yields the base URL and the handler class (its own ``requests`` list and ``delay``)."""
    handler = type("Handler", (LocalHandler,), {"requests": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def register_toy(monkeypatch, files) -> RemoteDataset:
    """Register a data set ``"toy"`` made of ``files`` (:class:`RemoteFile`) for the length of one test."""
    toy = RemoteDataset(
        name="toy",
        title="Toy data set",
        files=tuple(files),
        licence="CC0",
        citation="nobody",
        homepage="http://127.0.0.1/",
        layout="toy/hello.txt",
    )
    monkeypatch.setitem(REMOTE_DATASETS, "toy", toy)
    return toy
