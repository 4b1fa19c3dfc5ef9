"""The Superset pack (bi/superset/assets/) as files: what it reads, what it refers to, what it holds.

Superset itself runs in tests/test_bi.py; these run in a second, without it."""

from __future__ import annotations

import json
import re
import sys

import duckdb
import pytest
import yaml

from dagster_project.settings import REPO_ROOT

PACK_DIR = REPO_ROOT / "bi" / "superset"
sys.path.insert(0, str(PACK_DIR))
from pack import URI_PLACEHOLDER, bundle, load_pack, query_context  # noqa: E402

PACK = load_pack(PACK_DIR / "assets")
DATASETS = {c["uuid"]: c for name, c in PACK.items() if name.startswith("datasets/")}
CHARTS = {c["uuid"]: c for name, c in PACK.items() if name.startswith("charts/")}
DASHBOARDS = {c["slug"]: c for name, c in PACK.items() if name.startswith("dashboards/")}
CJK, LATIN = re.compile(r"[\u4e00-\u9fff]"), re.compile(r"[A-Za-z]{3}")


def relations(sql: str) -> set[str]:
    """Every table a query names after FROM or JOIN (subqueries aside)."""
    return {name.lower() for name in re.findall(r"\b(?:from|join)\s+([A-Za-z_][\w.]*)", sql, flags=re.I)}


def test_datasets_read_only_the_marts():
    for dataset in DATASETS.values():
        named = relations(dataset["sql"])
        assert named and all(name.startswith("marts.") for name in named), (dataset["table_name"], named)


def test_relations_sees_a_table_outside_the_marts():
    assert relations("select * from marts.a as a join raw.submission on true") == {"marts.a", "raw.submission"}


@pytest.mark.parametrize("name", sorted(d["table_name"] for d in DATASETS.values()))
def test_every_dataset_runs_on_the_sample_with_the_columns_it_declares(built_sample, name):
    _, data = built_sample
    dataset = next(d for d in DATASETS.values() if d["table_name"] == name)
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        cursor = con.execute(dataset["sql"])
        columns, rows = [d[0] for d in cursor.description], cursor.fetchall()
    finally:
        con.close()
    assert columns == [c["column_name"] for c in dataset["columns"]]
    assert rows, "every dataset has rows on the bundled sample"


def _chart_fields(params: dict) -> tuple[set[str], set[str]]:
    """(columns, saved metrics) a chart's form data names."""
    columns = set(params.get("groupby") or []) | set(params.get("all_columns") or [])
    columns |= {params["x_axis"]} if params.get("x_axis") else set()
    columns |= {json.loads(order)[0] for order in params.get("order_by_cols") or []}
    metrics = set(params.get("metrics") or []) | ({params["metric"]} if params.get("metric") else set())
    return columns, metrics


def test_charts_name_only_columns_and_metrics_of_their_dataset():
    for chart in CHARTS.values():
        dataset = DATASETS[chart["dataset_uuid"]]
        columns, metrics = _chart_fields(chart["params"])
        assert columns <= {c["column_name"] for c in dataset["columns"]}, chart["slice_name"]
        assert metrics <= {m["metric_name"] for m in dataset["metrics"]}, chart["slice_name"]
        for adhoc in chart["params"]["adhoc_filters"]:
            assert adhoc["expressionType"] == "SQL", "filters are SQL on the dataset's columns"


def test_dashboards_show_every_chart_once_and_the_issue_asks_for_four():
    assert set(DASHBOARDS) == {
        "dazu-246-clusters",
        "dazu-target-progress",
        "dazu-reporting-quality",
        "dazu-mu-efficiency",
    }
    shown = [
        meta["meta"]["uuid"]
        for d in DASHBOARDS.values()
        for meta in d["position"].values()
        if isinstance(meta, dict) and meta.get("type") == "CHART"
    ]
    assert sorted(shown) == sorted(CHARTS), "every chart on exactly one dashboard, and none missing"


def test_people_read_chinese_first_with_english_beside():
    titles = [d["dashboard_title"] for d in DASHBOARDS.values()] + [c["slice_name"] for c in CHARTS.values()]
    titles += [c["verbose_name"] for d in DATASETS.values() for c in d["columns"] + d["metrics"]]
    for title in titles:
        first_cjk, first_latin = CJK.search(title), LATIN.search(title)
        assert first_cjk and first_latin and first_cjk.start() < first_latin.start(), title


def test_the_pack_holds_no_connection_and_the_bundle_fills_it_in():
    database = PACK["databases/dazu_warehouse.yaml"]
    assert database["sqlalchemy_uri"] == URI_PLACEHOLDER
    text = "\n".join(path.read_text(encoding="utf-8") for path in (PACK_DIR / "assets").rglob("*.yaml"))
    assert "duckdb:///" not in text and "postgresql://" not in text and "password" not in text.lower()
    import io
    import zipfile

    uri = "duckdb:////srv/dazu/data/warehouse.duckdb?access_mode=read_only"
    with zipfile.ZipFile(io.BytesIO(bundle(PACK, uri))) as archive:
        assert "dazu_pack/metadata.yaml" in archive.namelist()
        assert yaml.safe_load(archive.read("dazu_pack/databases/dazu_warehouse.yaml"))["sqlalchemy_uri"] == uri
        for name in archive.namelist():
            if name.startswith("dazu_pack/charts/"):
                context = json.loads(yaml.safe_load(archive.read(name))["query_context"])
                assert context["queries"][0]["columns"] or context["queries"][0]["metrics"], name


def test_query_context_of_a_raw_table_lists_rows_and_of_a_bar_groups_them():
    raw = query_context(
        {
            "viz_type": "table",
            "query_mode": "raw",
            "all_columns": ["a", "b"],
            "order_by_cols": ['["b", false]'],
            "adhoc_filters": [{"expressionType": "SQL", "clause": "WHERE", "sqlExpression": "x > 1"}],
        }
    )
    assert raw["queries"][0]["metrics"] is None and raw["queries"][0]["orderby"] == [["b", False]]
    assert raw["queries"][0]["extras"]["where"] == "(x > 1)"
    bar = query_context(
        {
            "viz_type": "echarts_timeseries_bar",
            "x_axis": "park",
            "groupby": ["mu_class"],
            "metrics": ["enterprise_count"],
            "adhoc_filters": [],
        }
    )
    assert bar["queries"][0]["columns"] == ["park", "mu_class"] and bar["queries"][0]["metrics"] == ["enterprise_count"]
