"""Start the page on a free localhost port (for the browser tests and the browser benchmark).

Runs ``streamlit run dashboard/app.py`` as a child process; nothing here
imports Streamlit.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

from dashboard.config import REPO_ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(env: dict[str, str] | None = None, output: int = subprocess.PIPE) -> tuple[subprocess.Popen, str]:
    """The server process and its URL, once it answers its health check; the process is killed
    and ``RuntimeError`` raised (with its output) if it does not within 60 s."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    server = subprocess.Popen(
        command, cwd=REPO_ROOT, env={**os.environ, **(env or {})}, stdout=output, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return server, url
        except OSError:
            time.sleep(0.3)
    server.kill()
    said = server.stdout.read() if server.stdout else ""
    raise RuntimeError(f"streamlit did not start within 60 s: {said}")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=20)
