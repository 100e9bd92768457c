import itertools
import os
from pathlib import Path

import pytest

from dashboard.borders import load_geometry
from dashboard.config import REPO_ROOT
from dashboard.curated import load_curated, load_registry


@pytest.fixture(scope="session")
def geometry():
    return load_geometry(REPO_ROOT / "data" / "geometry")


@pytest.fixture(scope="session")
def curated():
    return load_curated()


@pytest.fixture(scope="session")
def registry():
    return load_registry()


# --- Event store: SQLite, and PostGIS on a throwaway cluster ---------------------


@pytest.fixture(scope="session")
def pg_cluster():
    """One throwaway PostgreSQL cluster with PostGIS for the session; each test takes a new database.
    Skips without Debian's binaries, except in CI, where that is a failure."""
    from dashboard import pgcluster

    problem = pgcluster.missing()
    if problem and os.environ.get("CI") == "true":
        pytest.fail(f"PostGIS tests cannot run in CI: {problem}")
    if problem:
        pytest.skip(problem)
    with pgcluster.throwaway_cluster() as cluster:
        yield cluster


_DATABASES = itertools.count()


@pytest.fixture(params=["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)])
def store_url(request, tmp_path):
    """An empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("pg_cluster").create_database(f"test_{next(_DATABASES)}")


@pytest.fixture
def loaded_store(store_url, curated):
    """A store holding the curated events, loaded by 'loader'."""
    from dashboard.store import Store

    store = Store(store_url)
    store.init()
    store.load(curated.events, by="loader", reason="initial load")
    yield store
    store.engine.dispose()


# --- Browser tests: Debian's Chromium driven by Playwright ----------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OUTPUT_DIR = REPO_ROOT / "test-output"


def require_browser() -> None:
    """Skip without Chromium or Playwright, except in CI, where that is a failure."""
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "python playwright is not installed"
    if reason and os.environ.get("CI") == "true":
        pytest.fail(f"browser test cannot run in CI: {reason}")
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium for the whole session."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def app_url(chromium):
    """The page served on localhost for one test module."""
    from browser_page import running_app

    with running_app() as url:
        yield url


@pytest.fixture
def page(chromium, app_url, request):
    """A fresh tab on the page, named after the test (its screenshots' folder)."""
    from browser_page import Page

    tab = Page(chromium, app_url, request.node.name)
    yield tab
    tab.page.close()


def output_dir(name: str) -> Path:
    """Where a browser test leaves its screenshots for a person to look at."""
    folder = OUTPUT_DIR / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
