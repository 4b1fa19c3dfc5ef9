"""Serving readers: atomic publication, old DuckDB readers, SQLAlchemy access, Parquet export, crashes."""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from dagster_project.serving.export import PARTITIONED, export_parquet
from dagster_project.settings import REPO_ROOT, Settings
from tests.builders import SAMPLE_INBOX, cover, indicator_row, write_workbook
from tests.pipeline_runs import MART_KEYS, RUN_TIMESTAMPS, run_nightly, snapshot

READER_PYTHON = REPO_ROOT / ".venv-reader" / "bin" / "python"


@functools.lru_cache
def _first_half_bytes(number: str) -> bytes:
    """Written once: openpyxl stamps the save time into the file, and the same report must have one sha256."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_workbook(
            Path(tmp) / "h1.xlsx",
            cover(period="2024年1-6月"),
            [indicator_row("新增规上工业企业", number, "家"), indicator_row("数字化车间数量", "19", "个")],
            cluster_rows=[["智能电梯", "全区", 14.2, "6.5", "示例数据"], ["其他", "全区", 190.0, None, "示例数据"]],
        )
        return path.read_bytes()


def add_first_half(inbox: Path, number: str = "20") -> None:
    (inbox / "经信委2024年1-6月.xlsx").write_bytes(_first_half_bytes(number))


def comparable(snap: dict) -> dict:
    return {t: [{k: v for k, v in row.items() if k not in RUN_TIMESTAMPS} for row in rows] for t, rows in snap.items()}


def test_published_file_opens_in_duckdb_1x(built_sample):
    if not READER_PYTHON.exists():
        pytest.skip("make test builds .venv-reader with DuckDB 1.x")
    _, data_dir = built_sample
    script = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
        f"print(duckdb.__version__, [c.execute('select count(*) from marts.' + t).fetchone()[0] for t in {sorted(MART_KEYS)!r}])"
    )
    out = subprocess.run(
        [str(READER_PYTHON), "-c", script, str(data_dir / "warehouse.duckdb")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    version, counts = out.stdout.split(" ", 1)
    assert version.startswith("1.")
    assert "0" not in counts.strip("[]\n").split(", ")[:5]


def test_published_file_holds_only_the_marts(built_sample):
    _, data_dir = built_sample
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    schemas = {s for (s,) in con.execute("select distinct schema_name from duckdb_tables()").fetchall()}
    con.close()
    assert schemas == {"marts"}


EMPTY_ON_THE_SAMPLE = {"fct_unresolved_name"}  # the sample holds no name the catalog lacks


def test_sqlalchemy_reads_every_mart_as_superset_does(built_sample):
    _, data_dir = built_sample
    engine = sa.create_engine(f"duckdb:///{data_dir / 'warehouse.duckdb'}?access_mode=read_only")  # the README's URI
    try:
        with engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names(schema="marts"))
            assert tables == set(MART_KEYS)
            for table in tables:
                rows = connection.execute(sa.text(f"select * from marts.{table}")).fetchall()
                assert rows or table in EMPTY_ON_THE_SAMPLE, table
            with pytest.raises(sa.exc.DBAPIError):
                connection.execute(sa.text("delete from marts.dim_area"))
    finally:
        engine.dispose()


def test_parquet_export_matches_the_published_marts(built_sample):
    _, data_dir = built_sample
    current = data_dir / "export" / "current"
    assert current.is_symlink()
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    for table in MART_KEYS:
        files = current / table / "**" / "*.parquet" if table in PARTITIONED else current / (table + ".parquet")
        exported = duckdb.execute(f"select count(*) from read_parquet('{files}')").fetchone()
        assert exported == con.execute(f"select count(*) from marts.{table}").fetchone(), table
    con.close()


def _exported_copy(built_sample, tmp_path) -> tuple[Settings, duckdb.DuckDBPyConnection]:
    """A copy of the built sample's data folder, exported once ("before"), and its warehouse opened to write."""
    _, built = built_sample
    data_dir = tmp_path / "data"
    shutil.copytree(built, data_dir, symlinks=True)
    settings = Settings(inbox=SAMPLE_INBOX, data_dir=data_dir)
    export_parquet(settings, "before")
    return settings, duckdb.connect(str(settings.warehouse))


def test_export_writes_only_the_months_that_changed(built_sample, tmp_path):
    settings, con = _exported_copy(built_sample, tmp_path)
    con.execute(
        "update marts.fct_enterprise_month set loaded_at = loaded_at + interval 1 second "
        "where year = 2024 and month = 5"
    )  # as a corrected May would land
    rows = con.execute("select count(*) from marts.fct_enterprise_month").fetchone()[0]
    con.close()
    after = export_parquet(settings, "after") / "fct_enterprise_month"
    links = {str(p.relative_to(after).parent): p.stat().st_nlink for p in after.rglob("*.parquet")}
    assert len(links) == 18
    assert links.pop("year=2024/month=5") == 1, "a month with newer rows is written again"
    assert all(n == 2 for n in links.values()), "the other months are hard links to the previous version"
    assert duckdb.execute(f"select count(*) from read_parquet('{after}/**/*.parquet')").fetchone()[0] == rows


def test_export_writes_only_the_years_of_mu_efficiency_that_changed(built_sample, tmp_path):
    settings, con = _exported_copy(built_sample, tmp_path)
    years = [y for (y,) in con.execute("select distinct year from marts.fct_mu_efficiency order by 1").fetchall()]
    # as a changed threshold reclassifies a year: same rows, same loaded_at, another class
    con.execute("update marts.fct_mu_efficiency set mu_class = 'A' where year = ? and mu_class <> 'A'", [years[0]])
    expected = con.execute("select * from marts.fct_mu_efficiency order by all").fetchall()
    con.close()
    after = export_parquet(settings, "after") / "fct_mu_efficiency"
    links = {str(p.relative_to(after).parent): p.stat().st_nlink for p in after.rglob("*.parquet")}
    assert sorted(links) == [f"year={y}" for y in years]
    assert links.pop(f"year={years[0]}") == 1, "a year whose rows changed is written again"
    assert links and all(n == 2 for n in links.values()), "the other years are hard links to the previous version"
    exported = duckdb.execute(
        f"select * from read_parquet('{after}/**/*.parquet', hive_partitioning = false) order by all"
    ).fetchall()
    assert exported == expected


def test_readers_are_never_blocked_and_always_see_a_complete_state(tmp_path):
    inbox, data_dir = tmp_path / "inbox", tmp_path / "data"
    shutil.copytree(SAMPLE_INBOX, inbox)
    run_nightly(inbox, data_dir)
    complete_states = [_counts(data_dir)]
    stop, out = tmp_path / "stop", tmp_path / "reader.json"
    reader = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("reader_loop.py")),
            str(data_dir / "warehouse.duckdb"),
            str(stop),
            str(out),
            "300",
        ]
    )
    try:
        for step in range(3):
            if step == 1:
                add_first_half(inbox)
            if step == 2:
                (inbox / "经信委2024年1-6月.xlsx").unlink()
                add_first_half(inbox, number="15")
            run_nightly(inbox, data_dir)
            complete_states.append(_counts(data_dir))
    finally:
        stop.touch()
        reader.wait(60)
    observed = json.loads(out.read_text())
    assert observed["errors"] == []
    assert observed["rounds"] > 20
    for state in observed["states"]:
        assert state.pop("shares_ok") is True
        assert state in complete_states, state
    assert len({json.dumps(s, sort_keys=True) for s in complete_states}) >= 2


def _counts(data_dir: Path) -> dict:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return {t: con.execute(f"select count(*) from marts.{t}").fetchone()[0] for t in sorted(MART_KEYS)}
    finally:
        con.close()


def _run_in_subprocess(inbox: Path, data_dir: Path, failpoint: str | None = None) -> int:
    env = {
        **os.environ,
        "DAZU_INBOX": str(inbox),
        "DAZU_DATA_DIR": str(data_dir),
        "DAGSTER_HOME": str(data_dir / "dagster_home"),
    }
    env.pop("DAZU_FAILPOINT", None)
    if failpoint:
        env["DAZU_FAILPOINT"] = failpoint
    process = subprocess.run(
        [sys.executable, "-m", "dagster_project.run_once"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        start_new_session=True,
    )
    return process.returncode


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """The sample, then a first-half report, each run to the end: what every crashed history must reach."""
    root = tmp_path_factory.mktemp("uninterrupted")
    inbox, data_dir = root / "inbox", root / "data"
    shutil.copytree(SAMPLE_INBOX, inbox)
    assert _run_in_subprocess(inbox, data_dir) == 0
    before = snapshot(data_dir)
    shutil.copytree(root, tmp_path_factory.getbasetemp() / "after_sample", symlinks=True)
    add_first_half(inbox)
    assert _run_in_subprocess(inbox, data_dir) == 0
    return tmp_path_factory.getbasetemp() / "after_sample", before, snapshot(data_dir)


@pytest.mark.parametrize("point", ["ingest.after_first_land", "dbt.mid_build", "publish.before_rename"])
def test_a_killed_run_costs_nothing(point, uninterrupted, tmp_path):
    after_sample, before, expected = uninterrupted
    shutil.copytree(after_sample, tmp_path / "copy", symlinks=True)
    inbox, data_dir = tmp_path / "copy" / "inbox", tmp_path / "copy" / "data"
    add_first_half(inbox)

    assert _run_in_subprocess(inbox, data_dir, failpoint=point) == -signal.SIGKILL
    assert comparable(snapshot(data_dir)) == comparable(before), "the published warehouse must not change"

    assert _run_in_subprocess(inbox, data_dir) == 0
    assert comparable(snapshot(data_dir)) == comparable(expected)


def test_an_empty_enterprise_fact_still_exports_its_columns(tmp_path):
    data_dir = tmp_path / "data"
    run_nightly(tmp_path / "empty_inbox", data_dir)  # no files at all: every mart empty or reference-only
    folder = data_dir / "export" / "current" / "fct_enterprise_month"
    (rows,) = duckdb.execute(f"select count(*) from read_parquet('{folder}/**/*.parquet')").fetchone()
    columns = [c[0] for c in duckdb.execute(f"describe select * from read_parquet('{folder}/**/*.parquet')").fetchall()]
    assert rows == 0 and {"credit_code", "period_code", "year", "month", "loaded_at"} <= set(columns)
