"""Where things live, from the environment (DAZU_INBOX, DAZU_DATA_DIR, DAZU_TARGET, DAGSTER_HOME)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = REPO_ROOT / "sources" / "reference"
DBT_PROJECT_DIR = REPO_ROOT / "dbt"
TARGETS = ("duckdb", "postgres")


@dataclass(frozen=True)
class Settings:
    inbox: Path
    data_dir: Path
    target: str = "duckdb"

    @property
    def warehouse(self) -> Path:
        """The published DuckDB file that readers open (read-only)."""
        return self.data_dir / "warehouse.duckdb"

    @property
    def work_warehouse(self) -> Path:
        """The DuckDB file the pipeline builds into; readers never open it."""
        return self.data_dir / "work" / "warehouse.duckdb"

    @property
    def marts_warehouse(self) -> Path:
        """The marts, in their own DuckDB file (readers' storage format): what publishing copies."""
        return self.data_dir / "work" / "marts.duckdb"

    @property
    def build_marts_schema(self) -> str:
        """Where dbt builds the marts: PostgreSQL builds beside the published schema and swaps it in."""
        return "marts_build" if self.target == "postgres" else "marts"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def export_dir(self) -> Path:
        return self.data_dir / "export"

    @property
    def dbt_target_dir(self) -> Path:
        return self.data_dir / "dbt_target" / self.target

    @property
    def lock_file(self) -> Path:
        return self.data_dir / ".warehouse.lock"


def load_settings() -> Settings:
    """Relative paths are taken from the repository root, whatever the working directory."""
    inbox = Path(os.environ.get("DAZU_INBOX") or "sources/inbox")
    data_dir = Path(os.environ.get("DAZU_DATA_DIR") or "data")
    target = (os.environ.get("DAZU_TARGET") or "duckdb").lower()
    if target not in TARGETS:
        raise ValueError(f"DAZU_TARGET must be one of {', '.join(TARGETS)}, not {target!r}")
    return Settings(
        inbox=inbox if inbox.is_absolute() else (REPO_ROOT / inbox),
        data_dir=data_dir if data_dir.is_absolute() else (REPO_ROOT / data_dir),
        target=target,
    )
