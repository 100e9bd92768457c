"""A throwaway PostgreSQL cluster for tests and benchmarks: Debian's binaries, a temporary folder, a socket.

PostgreSQL refuses to run as root, so when this process is root the server is
started as the ``postgres`` user (``runuser``); otherwise as the current user.
It listens only on a Unix socket inside its own folder (no TCP port), so two
clusters never collide and nothing outside the machine can reach them.

    with throwaway_cluster() as cluster:
        url = cluster.url("bordermap")   # postgresql+psycopg://postgres@/bordermap?host=...

Not used by the page or the commands: only by ``tests/`` and ``benchmarks/``.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PORT = 5432  # only names the socket file; no TCP listener is opened


def binaries() -> Path | None:
    """Folder of Debian's PostgreSQL server binaries (the newest version installed), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name))
    return Path(found[-1]).parent if found else None


def has_postgis() -> bool:
    """Whether the PostGIS extension is installed for that server."""
    folder = binaries()
    if folder is None:
        return False
    version = folder.parent.name
    return bool(glob.glob(f"/usr/share/postgresql/{version}/extension/postgis.control"))


def missing() -> str:
    """Why a PostGIS cluster cannot be started here ("" when it can)."""
    if binaries() is None:
        return "PostgreSQL server binaries are missing (apt-get install postgresql)"
    if not has_postgis():
        return "PostGIS is missing (apt-get install postgresql-15-postgis-3)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to start the server as"
    return ""


@dataclass
class Cluster:
    folder: Path
    user: str
    durable: bool = False  # fsync on, as a real server (benchmarks); off for tests (faster, same results)

    @property
    def socket_dir(self) -> str:
        return str(self.folder)

    def url(self, database: str = "postgres", user: str | None = None, password: str | None = None) -> str:
        who = user or self.user
        if password:
            who += f":{password}"
        return f"postgresql+psycopg://{who}@/{database}?host={self.socket_dir}&port={PORT}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        return _run(
            self.user, [str(binaries() / "psql"), "-h", self.socket_dir, "-p", str(PORT), "-d", database, "-Atc", sql]
        )

    def create_database(self, name: str) -> str:
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self, mode: str = "fast") -> None:
        _run(self.user, [str(binaries() / "pg_ctl"), "-D", str(self.folder / "data"), "-m", mode, "-w", "stop"])

    def start(self) -> None:
        log = self.folder / "server.log"
        fsync = "on" if self.durable else "off"
        options = f"-k {self.folder} -p {PORT} -c listen_addresses='' -c fsync={fsync} -c max_connections=60"
        _run(
            self.user,
            [str(binaries() / "pg_ctl"), "-D", str(self.folder / "data"), "-l", str(log), "-o", options, "-w", "start"],
        )


def _run(user: str, argv: list[str]) -> str:
    if os.geteuid() == 0 and user != "root":
        argv = ["runuser", "-u", user, "--", *argv]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout.strip()


@contextlib.contextmanager
def throwaway_cluster(durable: bool = False) -> Iterator[Cluster]:
    """initdb, start, yield, stop and remove; the folder lives under the system's temp folder.
    ``durable``: fsync on, as a production server runs (for benchmarks)."""
    problem = missing()
    if problem:
        raise RuntimeError(problem)
    user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    folder = Path(tempfile.mkdtemp(prefix="bordermap-pg-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, user="postgres", group="postgres")
        folder.chmod(0o700)
        _run(user, [str(binaries() / "initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", user, "-E", "UTF8"])
        cluster = Cluster(folder, user, durable)
        cluster.start()
        try:
            yield cluster
        finally:
            with contextlib.suppress(RuntimeError):
                cluster.stop("immediate")
    finally:
        for _ in range(3):
            try:
                shutil.rmtree(folder)
                break
            except OSError:
                time.sleep(0.2)
