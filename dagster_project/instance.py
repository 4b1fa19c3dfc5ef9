"""The Dagster instance (run history, schedules) lives in $DAGSTER_HOME, by default $DAZU_DATA_DIR/dagster_home."""

from __future__ import annotations

import os
from pathlib import Path

from .settings import Settings

INSTANCE_YAML = """\
# Written by dagster_project/instance.py. One run at a time, one warehouse writer at a time.
telemetry:
  enabled: false
concurrency:
  runs:
    max_concurrent_runs: 1
  pools:
    default_limit: 1
"""


def ensure_dagster_home(settings: Settings) -> Path:
    home = Path(os.environ.get("DAGSTER_HOME") or settings.data_dir / "dagster_home")
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home
