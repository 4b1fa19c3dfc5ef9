"""`make docs`: dbt's documentation site (every model and column with its description, the lineage graph) for
the published warehouse, served on 127.0.0.1:$DAZU_DOCS_PORT (8080).

The catalog is read from what readers read: the published DuckDB file attached read-only (profile target
`docs`), or PostgreSQL's schema `marts`. Staging and intermediate models are documented from their YAML; their
columns' types come from the published marts only. The site is written to $DAZU_DATA_DIR/dbt_docs/, apart from
the manifests the pipeline runs from.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .dbt_runner import dbt_environment
from .settings import DBT_PROJECT_DIR, Settings, load_settings

DBT = str(Path(sys.executable).with_name("dbt"))
DEFAULT_PORT = 8080


def docs_port() -> int:
    return int(os.environ.get("DAZU_DOCS_PORT") or DEFAULT_PORT)


def docs_base_url() -> str:
    """Where people open the site (DAZU_DOCS_URL when it is served elsewhere)."""
    return (os.environ.get("DAZU_DOCS_URL") or f"http://127.0.0.1:{docs_port()}").rstrip("/")


def page_url(unique_id: str, base: str | None = None) -> str:
    """The site's page of a node: #!/model/model.dazu246.fct_submission, #!/source/source.dazu246.raw.submission."""
    return f"{base or docs_base_url()}/#!/{unique_id.split('.', 1)[0]}/{unique_id}"


def docs_dir(settings: Settings) -> Path:
    return settings.data_dir / "dbt_docs"


def _dbt(settings: Settings, *args: str) -> list[str]:
    target = "postgres" if settings.target == "postgres" else "docs"
    return [
        DBT,
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target",
        target,
        "--target-path",
        str(docs_dir(settings)),
        "--log-path",
        str(docs_dir(settings)),
        "--no-use-colors",
        "--no-version-check",
        "--no-send-anonymous-usage-stats",
    ]


def _environment(settings: Settings) -> dict[str, str]:
    # the published marts, not the schema a PostgreSQL build writes into
    return {**os.environ, **dbt_environment(settings), "DAZU_MARTS_SCHEMA": "marts"}


def generate(settings: Settings) -> Path:
    """manifest.json, catalog.json and index.html in docs_dir (no compilation: nothing runs on the warehouse
    but the catalog's queries)."""
    for command in (("parse",), ("docs", "generate", "--no-compile")):  # the latter writes no manifest.json
        subprocess.run(
            _dbt(settings, *command),
            env=_environment(settings),
            check=True,
            cwd=DBT_PROJECT_DIR,
            stdout=subprocess.DEVNULL,
        )
    return docs_dir(settings)


def serve_command(settings: Settings, port: int) -> list[str]:
    return _dbt(settings, "docs", "serve", "--host", "127.0.0.1", "--port", str(port), "--no-browser")


def main() -> int:
    settings = load_settings()
    if settings.target != "postgres" and not settings.warehouse.exists():
        print(
            f"尚无数据仓库, 请先运行 make run / no warehouse at {settings.warehouse} yet: run `make run` first",
            file=sys.stderr,
        )
        return 2
    generate(settings)
    port = docs_port()
    print(f"dbt 文档 / dbt docs: http://127.0.0.1:{port}  (Ctrl-C 停止 / to stop)", flush=True)
    try:
        return subprocess.run(serve_command(settings, port), env=_environment(settings), cwd=DBT_PROJECT_DIR).returncode
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
