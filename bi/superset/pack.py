"""The dashboards pack (bi/superset/assets/, Superset's export format) made ready for Superset's import API.

Two things are filled in per installation: the warehouse connection (the committed YAML holds no path and no
password) and, for a chart that has none, the `query_context` that Superset's chart data API
(GET /api/v1/chart/<id>/data/) answers from. Superset saves one when a chart is saved in its editor, so a chart
exported from the UI brings its own; the YAML written by hand carries only the chart's form data (`params`),
from which the query is derived here for the chart types the pack uses.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import yaml

URI_PLACEHOLDER = "DAZU_WAREHOUSE_URI"
MASKED_PASSWORD = "XXXXXXXXXX"  # what Superset's import replaces with the password it is given


def load_pack(root: Path) -> dict[str, dict]:
    """Every YAML file of the pack, by its path relative to root."""
    return {
        path.relative_to(root).as_posix(): yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(root.rglob("*.yaml"))
    }


def warehouse_uri(data_dir: Path) -> str:
    """The connection Superset's charts use: read-only, to the published marts only."""
    if (os.environ.get("DAZU_TARGET") or "duckdb").lower() == "postgres":
        host, port = os.environ.get("PGHOST", "127.0.0.1"), os.environ.get("PGPORT", "5432")
        return f"postgresql://bi_reader:{MASKED_PASSWORD}@{host}:{port}/{os.environ['PGDATABASE']}"
    return f"duckdb:///{(data_dir / 'warehouse.duckdb').resolve()}?access_mode=read_only"


def query_context(params: dict) -> dict:
    """The chart data request Superset's explore view would save for these form data (one query, no
    post-processing: the rows the chart is drawn from)."""
    where = " AND ".join(
        f"({f['sqlExpression']})"
        for f in params.get("adhoc_filters", [])
        if f.get("expressionType") == "SQL" and f.get("clause") == "WHERE"
    )
    if params["viz_type"] == "table" and params.get("query_mode") == "raw":
        columns, metrics = list(params["all_columns"]), None  # no metrics: rows as they are, no GROUP BY
        orderby = [json.loads(order) for order in params.get("order_by_cols", [])]
    else:
        metrics = list(params.get("metrics") or [params["metric"]])
        columns = ([params["x_axis"]] if params.get("x_axis") else []) + list(params.get("groupby") or [])
        orderby = [[metrics[0], False]] if columns else []
    query = {
        "columns": columns,
        "metrics": metrics,
        "orderby": orderby,
        "filters": [],
        "extras": {"where": where, "having": ""},
        "row_limit": params.get("row_limit") or 10000,
        "series_limit": 0,
        "order_desc": True,
        "annotation_layers": [],
        "applied_time_extras": {},
        "url_params": {},
        "custom_params": {},
        "custom_form_data": {},
    }
    return {
        "datasource": {"id": 0, "type": "table"},
        "force": False,
        "queries": [query],
        "form_data": params,
        "result_format": "json",
        "result_type": "full",
    }


def prepared(configs: dict[str, dict], uri: str) -> dict[str, dict]:
    """The pack with its connection and every chart's query context filled in."""
    ready = {}
    for name, config in configs.items():
        config = dict(config)
        if name.startswith("databases/") and config.get("sqlalchemy_uri") == URI_PLACEHOLDER:
            config["sqlalchemy_uri"] = uri
        if name.startswith("charts/") and not config.get("query_context"):
            config["query_context"] = json.dumps(query_context(config["params"]), ensure_ascii=False)
        ready[name] = config
    return ready


def bundle(configs: dict[str, dict], uri: str) -> bytes:
    """A zip as Superset's export writes it (one folder holding metadata.yaml and the asset folders)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, config in sorted(prepared(configs, uri).items()):
            archive.writestr(f"dazu_pack/{name}", yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    return buffer.getvalue()
