"""`make docs`: dbt's documentation site for the published warehouse, and the links to it in the Dagster UI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request

import duckdb
import pytest

from dagster_project.assets.dbt import dbt_project, translator
from dagster_project.definitions import defs
from dagster_project.docs_site import generate
from dagster_project.settings import REPO_ROOT, Settings
from tests.pipeline_runs import MART_KEYS
from tests.processes import free_port, listening_addresses, stop_group


def test_every_dbt_model_asset_links_to_its_page():
    manifest = json.loads(dbt_project.manifest_path.read_text())
    graph = defs.resolve_asset_graph()
    nodes = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    assert len(nodes) > 30
    for node in nodes:
        url = graph.get(translator.get_asset_key(node)).metadata["dbt_docs"].url
        assert url == f"http://127.0.0.1:8080/#!/model/{node['unique_id']}"


@pytest.fixture(scope="module")
def site(tmp_path_factory, built_sample):
    """The site generated for a copy of the built sample while a reader holds its warehouse open."""
    root = tmp_path_factory.mktemp("docs")
    shutil.copytree(built_sample[1], root / "data", symlinks=True)
    reader = duckdb.connect(str(root / "data" / "warehouse.duckdb"), read_only=True)
    try:
        out = generate(Settings(inbox=root / "inbox", data_dir=root / "data"))
        assert reader.execute("select count(*) from marts.dim_area").fetchone()[0] == 5, "the reader went on"
    finally:
        reader.close()
    return root / "data", out


def test_the_catalog_holds_every_mart_with_its_columns_and_the_yaml_descriptions(site):
    data, out = site
    catalog = json.loads((out / "catalog.json").read_text())
    manifest = json.loads((out / "manifest.json").read_text())
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        for mart in MART_KEYS:
            columns = [
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns where table_schema = 'marts' and table_name = ? "
                    "order by ordinal_position",
                    [mart],
                ).fetchall()
            ]
            node = catalog["nodes"][f"model.dazu246.{mart}"]
            assert list(node["columns"]) == columns, mart
            described = manifest["nodes"][f"model.dazu246.{mart}"]
            assert described["description"], mart
    finally:
        con.close()
    due = manifest["nodes"]["model.dazu246.fct_submission_due"]
    assert "报送日历" in due["description"] and due["columns"]["days_late"]["description"]
    assert "model.dazu246.int_reporting_obligations" in manifest["parent_map"]["model.dazu246.fct_submission_due"]
    assert (out / "index.html").stat().st_size > 100_000


def test_make_docs_serves_the_site_on_loopback(site):
    data, _ = site
    port = free_port()
    env = {**os.environ, "DAZU_DATA_DIR": str(data), "DAZU_DOCS_PORT": str(port)}
    process = subprocess.Popen(
        ["make", "--no-print-directory", "docs"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline, page = time.monotonic() + 120, None
        while page is None and time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read().decode()
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=2).read()
            except OSError:
                time.sleep(0.5)
        assert page and b"dbt" in page
        assert listening_addresses(port) == {"127.0.0.1"}, "the site is served on the loopback interface only"
        catalog = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/catalog.json", timeout=5).read())
        assert "model.dazu246.fct_submission_due" in catalog["nodes"]
    finally:
        stop_group(process)


def test_make_docs_before_make_run_says_what_to_do(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "dagster_project.docs_site"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DAZU_DATA_DIR": str(tmp_path)},
    )
    assert out.returncode == 2 and "make run" in out.stderr
