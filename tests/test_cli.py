import datetime as dt
import shutil
import subprocess
import sys

import pytest

from dashboard.cli import main
from dashboard.config import REPO_ROOT, events_path


def test_validate_curated_exits_zero(capsys):
    assert main(["validate"]) == 0
    assert capsys.readouterr().out == ""


def test_validate_bad_file_names_row_and_column(tmp_path, capsys):
    lines = events_path().read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    rows = [line for line in lines[1:4]]
    bad = tmp_path / "bad.csv"
    import csv
    import io

    parsed = list(csv.DictReader(io.StringIO("\n".join([lines[0], *rows]))))
    parsed[0]["event_date"] = "2024-13-45"
    parsed[1]["latitude"] = "95"
    parsed[2]["actor1"] = ""
    with bad.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(parsed)
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{bad}: row 2, column event_date, value '2024-13-45': a date written YYYY-MM-DD",
        f"{bad}: row 3, column latitude, value '95': a number from -90 to 90",
        f"{bad}: row 4, column actor1, value '': a value (this column may not be empty)",
    ]


def test_validate_unknown_file_is_usage_error(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "none.csv")]) == 2
    assert "there is no file at this path" in capsys.readouterr().err


def test_validate_not_utf8(tmp_path, capsys):
    path = tmp_path / "latin1.csv"
    shutil.copy(events_path(), path)
    path.write_bytes(path.read_bytes().replace("–".encode(), "\xe9".encode("latin-1")))
    assert main(["validate", str(path)]) == 1
    assert "UTF-8" in capsys.readouterr().out


def test_module_entry_point_runs():
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "validate"], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_export_writes_the_filtered_file(tmp_path, capsys):
    out = tmp_path / "pakistan.geojson"
    day = ["--start", "2024-01-18", "--end", "2024-01-18"]
    code = main(["export", "--format", "geojson", *day, "--actor", "Pakistan", "--out", str(out)])
    assert code == 0
    import json

    written = [f["id"] for f in json.loads(out.read_bytes())["features"]]
    from dashboard.briefing import make_export
    from dashboard.curated import load_curated
    from dashboard.filters import FilterSpec

    day = dt.date(2024, 1, 18)
    spec = FilterSpec(start=day, end=day, actors=("Pakistan",))
    expected = [f["id"] for f in json.loads(make_export("geojson", load_curated(), spec))["features"]]
    assert written == expected and "IRPK-2024-0118-STRIKE" in written


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--actor", "Nobody"], "--actor Nobody: not in the data"),
        (["--start", "2024-02-01", "--end", "2024-01-01"], "start date 2024-02-01 is after end date"),
        (["--event-type", "Picnic"], "--event-type Picnic: not in the data"),
    ],
)
def test_export_bad_argument_keeps_old_file(tmp_path, capsys, args, message):
    out = tmp_path / "old.csv"
    out.write_text("previous export", encoding="utf-8")
    assert main(["export", "--format", "csv", "--out", str(out), *args]) == 2
    assert message in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "previous export"


def test_export_bad_date_is_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["export", "--format", "csv", "--start", "2024-13-01", "--out", str(tmp_path / "x.csv")])
    assert exit_.value.code == 2
    assert "is not a date written YYYY-MM-DD" in capsys.readouterr().err


def test_export_missing_folder(tmp_path, capsys):
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "no" / "x.csv")]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_validate_import_file_lists_every_rejection(capsys):
    mixed = REPO_ROOT / "tests" / "fixtures" / "imports" / "acled_mixed.csv"
    assert main(["validate", str(mixed)]) == 1
    captured = capsys.readouterr()
    assert "column time_precision, value '4'" in captured.out
    assert "latitude and longitude the right way round" in captured.out
    assert "rejected" in captured.err


def test_export_with_data_file(tmp_path, capsys):
    sample = REPO_ROOT / "tests" / "fixtures" / "imports" / "acled_sample.csv"
    out = tmp_path / "mine.csv"
    assert main(["export", "--format", "csv", "--data", str(sample), "--out", str(out)]) == 0
    assert "loaded" in capsys.readouterr().err
    assert "IRPK-" not in out.read_text(encoding="utf-8-sig")  # replace: curated events left out


def test_export_within_km_of_the_border(tmp_path):
    import json

    out = tmp_path / "near.geojson"
    assert main(["export", "--format", "geojson", "--within-km", "50", "--out", str(out)]) == 0
    features = json.loads(out.read_bytes())["features"]
    assert features and all(f["properties"]["distance_to_border_km"] <= 50 for f in features)


def test_export_inside_a_drawn_area(tmp_path, capsys):
    import json

    from dashboard import drawn_area

    corners = "26,62;26,64.5;28,64.5;28,62"
    out = tmp_path / "area.geojson"
    assert main(["export", "--format", "geojson", "--area", corners, "--out", str(out)]) == 0
    features = json.loads(out.read_bytes())["features"]
    lon, lat = zip(*(f["geometry"]["coordinates"] for f in features), strict=True)
    assert features and drawn_area.contains(drawn_area.parse(corners), lat, lon).all()
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "--format", "csv", "--area", "26,62;27,63", "--out", str(tmp_path / "x.csv")])
    assert exit_info.value.code == 2
    assert "2 corners" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


IMPORTS = REPO_ROOT / "tests" / "fixtures" / "imports"


def test_import_writes_geoparquet_and_the_rejection_report_beside_it(tmp_path, capsys, curated):
    from dashboard.columnar import read_events_parquet
    from dashboard.datasets import import_into

    out = tmp_path / "events.parquet"
    assert main(["import", str(IMPORTS / "acled_mixed.csv"), "--out", str(out)]) == 0
    expected = import_into(curated, path=IMPORTS / "acled_mixed.csv")
    saved = read_events_parquet(out)
    assert list(saved["event_id"]) == list(expected.events["event_id"])
    report = (tmp_path / "events_rejected.csv").read_text(encoding="utf-8-sig").splitlines()
    assert report[0] == "row,column,value,reason"
    assert len(report) - 1 == len(expected.rejected)
    err = capsys.readouterr().err
    assert f"{expected.loaded} loaded, {expected.rejected_count} rejected" in err
    assert "\r" not in err  # no progress bar when the output is not a terminal


@pytest.mark.parametrize(
    ("out", "said"),
    [("events.csv", "end it .parquet"), ("missing/events.parquet", "no such folder"), ("", "give a file name")],
)
def test_import_refuses_a_bad_out_and_writes_nothing(tmp_path, capsys, monkeypatch, out, said):
    monkeypatch.chdir(tmp_path)
    assert main(["import", str(IMPORTS / "acled_sample.csv"), "--out", out]) == 2
    assert said in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_import_of_a_bad_file_names_it_and_keeps_the_old_output(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("just,a,header\n", encoding="utf-8")
    out = tmp_path / "events.parquet"
    out.write_bytes(b"old")
    assert main(["import", str(bad), "--out", str(out)]) == 2
    assert "bad.csv" in capsys.readouterr().err
    assert out.read_bytes() == b"old"


def test_an_interrupted_import_leaves_no_half_file(tmp_path, monkeypatch):
    import dashboard.exporters.atomic as atomic

    out = tmp_path / "events.parquet"
    out.write_bytes(b"old")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        main(["import", str(IMPORTS / "acled_sample.csv"), "--out", str(out)])
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.parquet"]


# --- changes since a briefing --------------------------------------------------


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """The curated data copied to a folder the command reads (BORDERMAP_DATA_DIR), on files."""
    from edited_data import copy_data_dir

    folder = copy_data_dir(tmp_path)
    monkeypatch.setenv("BORDERMAP_DATA_DIR", str(folder))
    monkeypatch.delenv("BORDERMAP_DATABASE_URL", raising=False)
    monkeypatch.delenv("BORDERMAP_DATA_FILE", raising=False)
    return folder


@pytest.mark.parametrize("fmt", ["pdf", "csv"])
def test_changes_since_a_briefing_file(data_dir, tmp_path, capsys, fmt):
    import csv
    import io

    from edited_data import edit

    briefing = tmp_path / f"briefing.{fmt}"
    assert main(["export", "--format", fmt, "--out", str(briefing)]) == 0
    edits = edit(data_dir)
    out = tmp_path / "changes.csv"
    assert main(["changes", "--since", str(briefing), "--format", "csv", "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [(r["change"], r["event_id"], r["field"], r["before"], r["after"]) for r in rows] == [
        ("new", edits.added_id, "", "", ""),
        ("changed", edits.changed_id, "fatalities", str(edits.before), str(edits.after)),
        ("retracted", edits.removed_id, "", "", ""),
    ]
    assert capsys.readouterr().err.splitlines()[-1].startswith(f"{out}: 1 new, 1 changed, 1 retracted since the")


def test_changes_as_pdf_and_the_next_briefings_section(data_dir, tmp_path, capsys):
    from edited_data import edit
    from test_exporters import pdf_text, squash

    briefing = tmp_path / "monday.pdf"
    assert main(["export", "--format", "pdf", "--out", str(briefing)]) == 0
    edits = edit(data_dir)
    listing, tuesday = tmp_path / "changes.pdf", tmp_path / "tuesday.pdf"
    assert main(["changes", "--since", str(briefing), "--format", "pdf", "--out", str(listing)]) == 0
    assert main(["export", "--format", "pdf", "--since", str(briefing), "--out", str(tuesday)]) == 0
    for path, heading in ((listing, "Changes since the last briefing"), (tuesday, "Since the last briefing")):
        text = squash(pdf_text(path.read_bytes(), tmp_path))
        assert squash(heading) in text and squash("1 new, 1 changed, 1 retracted") in text
        assert all(squash(i) in text for i in (edits.added_id, edits.changed_id, edits.removed_id))


@pytest.mark.parametrize(
    ("since", "message"),
    [
        ("{tmp}/none.pdf", "--since {tmp}/none.pdf: a briefing file (there is no file at this path), or a date"),
        ("{tmp}/plain.csv", "{tmp}/plain.csv: a manifest (none found"),
        ("{tmp}/broken.manifest.json", "{tmp}/broken.manifest.json: a manifest in this JSON file that is valid JSON"),
        ("2024-01-20", "--since 2024-01-20: a date or time needs an event store (set BORDERMAP_DATABASE_URL)"),
        ("2024-01-20T10:00Z", "--since 2024-01-20T10:00Z: a date or time needs an event store"),
        ("2024-13-01", "--since 2024-13-01: not a real date or time"),
    ],
)
def test_changes_refuses_what_it_cannot_compare(data_dir, tmp_path, capsys, since, message):
    (tmp_path / "plain.csv").write_text("event_id\nA\n", encoding="utf-8")
    (tmp_path / "broken.manifest.json").write_text('{"manifest_version": 1', encoding="utf-8")
    out = tmp_path / "changes.csv"
    out.write_text("previous", encoding="utf-8")
    code = main(["changes", "--since", since.format(tmp=tmp_path), "--format", "csv", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"changes: {message.format(tmp=tmp_path)}")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "previous"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "csv", "--since", "x.pdf"], "--since: only the PDF has a 'Since the last briefing' section"),
        (["--format", "pdf", "--since", "{tmp}/none.pdf"], "{tmp}/none.pdf: a briefing file (there is no file"),
    ],
)
def test_export_since_refuses_what_it_cannot_use(data_dir, tmp_path, capsys, args, message):
    out = tmp_path / "out.file"
    code = main(["export", "--out", str(out), *[a.format(tmp=tmp_path) for a in args]])
    assert code == 2 and message.format(tmp=tmp_path) in capsys.readouterr().err
    assert not out.exists()


def test_export_refuses_a_sidecar_path_it_cannot_write(tmp_path, capsys):
    out = tmp_path / "events.csv"
    (tmp_path / "events.csv.manifest.json").mkdir()
    assert main(["export", "--format", "csv", "--out", str(out)]) == 2
    assert "events.csv.manifest.json: is a folder" in capsys.readouterr().err
    assert not out.exists()
