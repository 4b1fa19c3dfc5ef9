"""Where things live, from the environment (DAZU_INBOX, DAZU_DATA_DIR, DAGSTER_HOME)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = REPO_ROOT / "sources" / "reference"
DBT_PROJECT_DIR = REPO_ROOT / "dbt"


@dataclass(frozen=True)
class Settings:
    inbox: Path
    data_dir: Path

    @property
    def warehouse(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def dbt_target_dir(self) -> Path:
        return self.data_dir / "dbt_target"

    @property
    def lock_file(self) -> Path:
        return self.data_dir / ".warehouse.lock"


def load_settings() -> Settings:
    """Relative paths are taken from the repository root, whatever the working directory."""
    inbox = Path(os.environ.get("DAZU_INBOX") or "sources/inbox")
    data_dir = Path(os.environ.get("DAZU_DATA_DIR") or "data")
    return Settings(
        inbox=inbox if inbox.is_absolute() else (REPO_ROOT / inbox),
        data_dir=data_dir if data_dir.is_absolute() else (REPO_ROOT / data_dir),
    )
