"""Settings that cannot be used are named, with their value and what is expected (``dashboard/config.py``)."""

from __future__ import annotations

import pytest

from dashboard import config
from dashboard.cli import main


def test_the_defaults_are_usable():
    assert config.problems() == []


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("BORDERMAP_DATA_MODE", "bogus", "replace or merge"),
        ("BORDERMAP_MAX_UPLOAD_MB", "abc", "a positive number of MiB"),
        ("BORDERMAP_MAX_UPLOAD_MB", "-5", "a positive number of MiB"),
        ("BORDERMAP_MAX_UPLOAD_MB", "nan", "a positive number of MiB"),
        ("BORDERMAP_MAX_UPLOAD_MB", "inf", "a positive number of MiB"),
        ("BORDERMAP_OFFLINE", "perhaps", "true or false"),
        ("BORDERMAP_DATA_DIR", "/no/such/folder", "expected a folder"),
        ("BORDERMAP_GEOMETRY_DIR", "/no/such/folder", "expected a folder"),
        ("BORDERMAP_TILE_URL", "javascript:alert(1)", "{z}, {x} and {y}"),
        ("BORDERMAP_TILE_URL", "http://tiles.local/tile.png", "{z}, {x} and {y}"),
    ],
)
def test_an_unusable_setting_is_named(monkeypatch, capsys, name, value, expected):
    monkeypatch.setenv(name, value)
    found = config.problems()
    assert len(found) == 1
    assert name in found[0] and repr(value) in found[0] and expected in found[0]
    assert main(["validate"]) == 2
    assert found[0] in capsys.readouterr().err


def test_a_data_dir_without_events_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("BORDERMAP_DATA_DIR", str(tmp_path))
    assert "events.csv" in config.problems()[0]


def test_upload_limit_is_in_mib(monkeypatch):
    monkeypatch.setenv("BORDERMAP_MAX_UPLOAD_MB", "200")
    assert config.get_max_upload_bytes() == 209_715_200
    monkeypatch.setenv("BORDERMAP_MAX_UPLOAD_MB", "0.5")
    assert config.get_max_upload_bytes() == 524_288


def test_a_good_tile_url_is_kept(monkeypatch):
    monkeypatch.setenv("BORDERMAP_TILE_URL", "https://tiles.local/{z}/{x}/{y}.png")
    assert config.get_tile_url() == "https://tiles.local/{z}/{x}/{y}.png"
    assert config.problems() == []
