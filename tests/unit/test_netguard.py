import socket
import subprocess
import sys

import pytest

from app.netguard import NetworkBlocked


def test_python_code_cannot_reach_beyond_loopback_in_tests() -> None:
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("10.255.255.1", 80), timeout=0.5)
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("pypi.org", 443)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    with pytest.raises(NetworkBlocked):
        udp.sendto(b"x", ("239.255.255.250", 3702))
    udp.close()


def test_loopback_stays_open() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    client = socket.create_connection(server.getsockname(), timeout=1)
    client.close()
    server.close()


def test_child_processes_install_the_guard_from_the_environment() -> None:
    code = (
        "import socket; from app.netguard import install_from_env; install_from_env()\n"
        "try:\n socket.create_connection(('192.0.2.1', 80), timeout=0.5)\n"
        "except ConnectionError as e: print(type(e).__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == "NetworkBlocked"
