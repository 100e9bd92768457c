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
