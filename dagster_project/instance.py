"""The Dagster instance (run history, schedules) lives in $DAGSTER_HOME, by default $DAZU_DATA_DIR/dagster_home."""

from __future__ import annotations

import os
from pathlib import Path

from .settings import Settings

# Writers are serialised by the warehouse file lock (ingest/landing.py), which the operating system
# releases when a run dies. Dagster's own run queue limits and pools are not used for this: a run killed
# with kill -9 keeps its slot in the instance and would block every later run.
INSTANCE_YAML = """\
# Written by dagster_project/instance.py.
telemetry:
  enabled: false
"""


def ensure_dagster_home(settings: Settings) -> Path:
    home = Path(os.environ.get("DAGSTER_HOME") or settings.data_dir / "dagster_home")
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home
