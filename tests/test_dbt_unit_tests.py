"""dbt's unit tests (the tricky SQL: supersession, YTD ranges, SCD2, incremental merges).

The nightly build leaves them out (they test the SQL, not the night's data), so they run here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from dagster_project.settings import DBT_PROJECT_DIR

DBT = Path(sys.executable).with_name("dbt")


def test_every_dbt_unit_test_passes(built_sample, tmp_path):
    _, built = built_sample
    data_dir = tmp_path / "data"
    shutil.copytree(built / "work", data_dir / "work")  # unit tests read the column types of built parents
    target = tmp_path / "target"
    env = {**os.environ, "DAZU_DATA_DIR": str(data_dir), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    result = subprocess.run(
        [str(DBT), "test", "--select", "test_type:unit", "--target-path", str(target), "--log-path", str(target)],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    manifest = json.loads((target / "manifest.json").read_text())
    results = json.loads((target / "run_results.json").read_text())["results"]
    assert len(results) == len(manifest["unit_tests"]) >= 10
    assert {r["status"] for r in results} == {"pass"}
