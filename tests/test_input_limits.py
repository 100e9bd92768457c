"""Bad input never crashes, hangs or eats memory: only regular files, bytes read bounded, JSON depth bounded.

Mirrors ``dashboard/importers/reading.py`` (``read_limited``),
``dashboard/importers/geojson_points.py`` (``json_depth``),
``dashboard/datasets.py`` (a saved ``.parquet``) and the command line's
``--out`` and ``--data`` checks (``dashboard/cli.py``).
"""

from __future__ import annotations

import json
import os
import threading

import pytest

from dashboard.cli import main, out_problem
from dashboard.datasets import load_configured
from dashboard.importers.geojson_points import MAX_JSON_DEPTH, json_depth, read_geojson_text
from dashboard.importers.reading import read_limited
from dashboard.problems import DataError


def message(err: DataError) -> str:
    return str(err)


def test_read_limited_reads_a_regular_file(tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(b"a,b\n1,2\n")
    assert read_limited(path, 100) == b"a,b\n1,2\n"


def test_read_limited_refuses_a_file_over_the_limit_by_bytes(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 101)
    with pytest.raises(DataError) as caught:
        read_limited(path, 100)
    assert str(path) in message(caught.value) and "101 bytes" in message(caught.value)


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda tmp: "/dev/zero", "a character device"),
        (lambda tmp: str(tmp), "a folder"),
    ],
)
def test_read_limited_refuses_what_is_not_a_regular_file(tmp_path, make, kind):
    path = make(tmp_path)
    if not os.path.exists(path):
        pytest.skip(f"{path} does not exist here")
    with pytest.raises(DataError) as caught:
        read_limited(path, 1024)
    assert path in message(caught.value) and kind in message(caught.value)


def test_read_limited_never_waits_on_a_fifo(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    outcome = {}

    def attempt():
        try:
            read_limited(fifo, 1024)
        except DataError as err:
            outcome["error"] = str(err)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "reading a FIFO blocked"
    assert "a named pipe" in outcome["error"]


def test_read_limited_names_a_missing_file(tmp_path):
    with pytest.raises(DataError, match="there is no file at this path"):
        read_limited(tmp_path / "none.csv", 10)


def test_json_depth_ignores_brackets_in_strings():
    assert json_depth('{"a": [1, {"b": "[[[{{{"}], "c": "\\"]]"}') == 3
    assert json_depth("") == 0


def test_deep_geojson_is_refused_before_parsing():
    text = "[" * 100_000 + "]" * 100_000
    with pytest.raises(DataError) as caught:
        read_geojson_text(text, "deep.geojson")
    assert "deep.geojson" in str(caught.value) and f"at most {MAX_JSON_DEPTH}" in str(caught.value)


def test_geojson_at_ordinary_depth_still_reads():
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [62.0, 27.0]},
        "properties": {"event_id": "X-1", "extra": {"nested": [[1, 2], [3, 4]]}},
    }
    table = read_geojson_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), "ok.geojson")
    assert len(table.frame) == 1


def test_corrupt_parquet_is_a_data_error_naming_it(tmp_path):
    path = tmp_path / "events.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(DataError) as caught:
        load_configured(path)
    assert str(path) in str(caught.value) and "GeoParquet" in str(caught.value)


@pytest.mark.parametrize(
    ("out", "expected"),
    [
        ("", "give a file name"),
        ("/dev/null", "not a regular file"),
        ("{tmp}", "is a folder"),
        ("{tmp}/missing/x.csv", "no such folder"),
    ],
)
def test_out_must_be_a_regular_file_in_a_writable_folder(tmp_path, out, expected):
    assert expected in out_problem(out.format(tmp=tmp_path))


def test_out_in_a_plain_folder_is_accepted(tmp_path):
    assert out_problem(str(tmp_path / "x.csv")) == ""


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_out_in_a_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        assert "not writable" in out_problem(str(folder / "x.csv"))
    finally:
        folder.chmod(0o755)


def test_export_to_a_device_exits_2_and_leaves_it(capsys):
    assert main(["export", "--format", "csv", "--out", "/dev/null"]) == 2
    assert "/dev/null" in capsys.readouterr().err
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")


def test_export_with_data_from_a_device_exits_2(tmp_path, capsys):
    out = tmp_path / "x.csv"
    out.write_bytes(b"old")
    assert main(["export", "--format", "csv", "--out", str(out), "--data", "/dev/zero"]) == 2
    assert "/dev/zero" in capsys.readouterr().err
    assert out.read_bytes() == b"old"  # nothing already written is lost


def test_export_that_cannot_write_exits_2_and_keeps_the_old_file(tmp_path, capsys, monkeypatch):
    out = tmp_path / "x.csv"
    out.write_bytes(b"old")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("dashboard.exporters.atomic.os.fsync", full_disk)
    assert main(["export", "--format", "csv", "--out", str(out)]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]  # no temporary file left behind


def test_basemap_own_without_a_tile_server_exits_2(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("BORDERMAP_TILE_URL", raising=False)
    assert main(["export", "--format", "png", "--out", str(tmp_path / "x.png"), "--basemap", "own"]) == 2
    assert "BORDERMAP_TILE_URL" in capsys.readouterr().err


def test_validate_agrees_with_export_on_our_own_csv(tmp_path, capsys):
    out = tmp_path / "ours.csv"
    assert main(["export", "--format", "csv", "--out", str(out)]) == 0
    assert main(["validate", str(out)]) == 0
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "again.csv"), "--data", str(out)]) == 0
