"""Network situations a registration can meet on 127.0.0.1, for the tests of what it says.

Each is a context manager giving a port:

    with not_tls() as port:
        ... https://127.0.0.1:{port} ...

- `closed_port`: nothing listens (connection refused);
- `not_tls`: a plain HTTP server answers (TLS says "wrong version number");
- `silent`: the connection is accepted and nothing is ever sent (the handshake times out).

Telling these apart is what would make registration a port scanner.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator

NetworkSituation = Callable[[], contextlib.AbstractContextManager[int]]


@contextlib.contextmanager
def closed_port() -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield port


@contextlib.contextmanager
def _listening(serve: Callable[[socket.socket], None] | None) -> Iterator[int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    stop = threading.Event()

    def accept_loop() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                return
            with connection:
                serve(connection)

    thread = threading.Thread(target=accept_loop, daemon=True) if serve else None
    if thread:
        thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        server.close()
        if thread:
            thread.join(timeout=5)


def _answer_plain_http(connection: socket.socket) -> None:
    connection.settimeout(5)
    try:
        connection.recv(4096)
        connection.sendall(
            b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
    except OSError:
        pass


def not_tls() -> contextlib.AbstractContextManager[int]:
    return _listening(_answer_plain_http)


def silent() -> contextlib.AbstractContextManager[int]:
    """Listens without ever accepting: the kernel completes the TCP handshake, TLS waits."""
    return _listening(None)


SITUATIONS: dict[str, NetworkSituation] = {
    "connection refused": closed_port,
    "not TLS": not_tls,
    "silent": silent,
}
