"""The marts as Parquet files for tools that read files: $DAZU_DATA_DIR/export/current/<mart>.parquet.

Each run writes a new version folder and then moves the `current` link onto it in one rename, so a
reader never sees a mix of two runs. The previous version is kept for readers still using it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from ..settings import Settings
from ..storage import connect
from .publish import sql_string

KEEP_VERSIONS = 2


def export_parquet(settings: Settings, run_tag: str) -> Path:
    export = settings.export_dir
    version = export / f"v-{run_tag}"
    if version.exists():
        shutil.rmtree(version)
    version.mkdir(parents=True)
    if settings.target == "postgres":
        with connect(settings, read_only=True) as con:
            tables = [t for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1")]
            frames = {t: con.frame(f'select * from marts."{t}"') for t in tables}
        writer = duckdb.connect()
        for table, frame in frames.items():
            writer.register("frame", frame)
            writer.execute(f"copy frame to {sql_string(str(version / (table + '.parquet')))} (format parquet)")
            writer.unregister("frame")
        writer.close()
    else:
        con = duckdb.connect(str(settings.warehouse), read_only=True)
        try:
            tables = [t for (t,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()]
            for table in tables:
                target = sql_string(str(version / (table + ".parquet")))
                con.execute(f'copy marts."{table}" to {target} (format parquet)')
        finally:
            con.close()
    link = export / "current"
    tmp_link = export / f".current-{run_tag}"
    if tmp_link.is_symlink():
        tmp_link.unlink()
    os.symlink(version.name, tmp_link)
    os.replace(tmp_link, link)
    versions = sorted((p for p in export.glob("v-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in versions[:-KEEP_VERSIONS]:
        if old.name != version.name:
            shutil.rmtree(old, ignore_errors=True)
    return version
