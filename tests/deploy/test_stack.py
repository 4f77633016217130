"""The stack's ports: free, each handed out once, and outside the ports outgoing connections take
(a port from that range can be taken by a health check in the seconds before nginx binds it)."""

from __future__ import annotations

import socket

from deploy.stack import _ephemeral_ports, free_port


def test_free_ports_are_distinct_bindable_and_never_an_outgoing_connections_port():
    ephemeral = _ephemeral_ports()
    ports = [free_port() for _ in range(40)]
    assert len(set(ports)) == len(ports)
    assert not any(p in ephemeral for p in ports)
    for port in ports[:5]:
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))  # still free
