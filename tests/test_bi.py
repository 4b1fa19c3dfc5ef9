"""`make bi` for real: Superset 6.1 from .venv-bi on a free port, over a copy of the built sample, asked through
its REST API and opened in headless Chromium. Slow (a minute for Superset's first initialisation)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dagster_project.settings import REPO_ROOT
from dagster_project.storage import postgres_configured
from tests.builders import cover, indicator_row, write_workbook
from tests.pipeline_runs import environment, run_nightly
from tests.processes import free_port, listening_addresses, stop_group

pytestmark = pytest.mark.slow

BI_PYTHON = REPO_ROOT / ".venv-bi" / "bin" / "python"
READY = "仪表板已就绪"
PASSWORD = "Dazu-test-密码-1"
SLUGS = ("dazu-246-clusters", "dazu-target-progress", "dazu-reporting-quality", "dazu-mu-efficiency")

if not BI_PYTHON.exists():
    pytest.skip("make test builds .venv-bi (requirements-bi.lock)", allow_module_level=True)

import requests  # noqa: E402  (in both venvs; the pipeline's has it through dagster)

sys.path.insert(0, str(REPO_ROOT / "bi" / "superset"))
from api import chart_data, dashboards_with_charts, logged_in  # noqa: E402


class Server:
    """`make bi` in its own process group, stopped by group as `dagster dev` must be."""

    def __init__(self, data: Path, password: str | None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data.parent / f"make_bi_{self.port}.log"
        env = {k: v for k, v in os.environ.items() if k != "DAZU_BI_ADMIN_PASSWORD"}
        env.update(DAZU_DATA_DIR=str(data), DAZU_BI_PORT=str(self.port))
        if password:
            env["DAZU_BI_ADMIN_PASSWORD"] = password
        self.started = time.monotonic()
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(
                ["make", "--no-print-directory", "bi"],
                cwd=REPO_ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        while READY not in self.output():
            assert self.process.poll() is None, self.output()[-3000:]
            assert time.monotonic() - self.started < 300, "make bi did not get ready in 300 s"
            time.sleep(0.5)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        stop_group(self.process)

    def session(self, password: str) -> requests.Session:
        return logged_in(self.url, password)


@pytest.fixture(scope="module")
def superset(tmp_path_factory, built_sample):
    """Started twice on one data folder: first with no password (one is generated), then with PASSWORD."""
    root = tmp_path_factory.mktemp("bi")
    inbox, data = built_sample
    shutil.copytree(inbox, root / "inbox")
    shutil.copytree(data, root / "data", symlinks=True)
    first = Server(root / "data", None)
    first.stop()
    kept = root / "data" / "superset" / "admin_password"
    kept_then = (kept.read_text().strip(), stat.S_IMODE(kept.stat().st_mode))
    second = Server(root / "data", PASSWORD)
    yield {"root": root, "first": first, "server": second, "kept": kept_then}
    second.stop()


def test_a_generated_password_is_printed_once_and_kept_private(superset):
    first, second, home = superset["first"], superset["server"], superset["root"] / "data" / "superset"
    printed = [line for line in first.output().splitlines() if "admin password" in line]
    assert len(printed) == 1
    generated = printed[0].rsplit(" ", 1)[1]
    assert len(generated) >= 12
    assert superset["kept"] == (generated, 0o600), "kept in $DAZU_DATA_DIR/superset/admin_password, mode 600"
    assert "admin password" not in second.output() and PASSWORD not in second.output()
    assert stat.S_IMODE((home / "secret_key").stat().st_mode) == 0o600
    assert len((home / "secret_key").read_text().strip()) >= 48
    # DAZU_BI_ADMIN_PASSWORD replaced the generated one, whose file no longer applies
    assert not (home / "admin_password").exists()
    second.session(PASSWORD)
    with pytest.raises(requests.HTTPError):
        second.session(generated)


def _dashboards(session: requests.Session, url: str) -> dict[str, list[dict]]:
    return {dashboard["slug"]: charts for dashboard, charts in dashboards_with_charts(session, url)}


def _chart_rows(session: requests.Session, url: str, chart_id: int) -> int:
    answer = chart_data(session, url, chart_id)
    assert answer.status_code == 200, answer.text[:2000]
    result = answer.json()["result"]
    assert all(not query.get("error") for query in result), result
    return sum(query["rowcount"] for query in result)


def test_every_chart_of_every_dashboard_returns_rows_from_the_sample(superset):
    server = superset["server"]
    session = server.session(PASSWORD)
    dashboards = _dashboards(session, server.url)
    assert set(dashboards) == set(SLUGS)
    assert listening_addresses(server.port) == {"127.0.0.1"}, "Superset is served on the loopback interface only"
    for slug, charts in dashboards.items():
        assert len(charts) >= 3, slug
        for chart in charts:
            assert _chart_rows(session, server.url, chart["id"]) > 0, (slug, chart["slice_name"])


def test_every_dashboard_renders_in_chromium_without_a_chart_error(superset):
    if not Path("/usr/bin/chromium").exists() or not Path("/usr/bin/chromedriver").exists():
        pytest.skip("Debian's chromium and chromium-driver (.ci/browser.sh installs them)")
    server = superset["server"]
    expected = {slug: len(charts) for slug, charts in _dashboards(server.session(PASSWORD), server.url).items()}
    shots = Path(os.environ.get("DAZU_SCREENSHOT_DIR") or superset["root"] / "screenshots")
    out = subprocess.run(
        [
            str(BI_PYTHON),
            str(REPO_ROOT / "bi" / "superset" / "browser_check.py"),
            server.url,
            PASSWORD,
            str(shots),
            *SLUGS,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    for slug in SLUGS:
        assert seen[slug]["errors"] == [], (slug, seen[slug]["errors"])
        assert seen[slug]["charts"] == seen[slug]["rendered"] == expected[slug], (slug, seen[slug])
        assert Path(seen[slug]["screenshot"]).stat().st_size > 10_000
    # every file's review report is linked, and opens for a logged-in user only
    assert len(seen["dazu-reporting-quality"]["report_links"]) >= 5
    assert seen["first_report"]["title"].startswith("报送审核报告")
    assert requests.get(seen["first_report"]["href"], timeout=30).status_code == 403
    assert requests.get(f"{server.url}/dazu/reports/..%2Fsuperset%2Fsecret_key", timeout=30).status_code == 403


def test_the_warehouse_is_read_only_and_a_new_one_shows_without_a_restart(superset):
    server, root = superset["server"], superset["root"]
    session = server.session(PASSWORD)
    databases = session.get(f"{server.url}/api/v1/database/", timeout=30).json()["result"]
    assert len(databases) == 1
    database = session.get(f"{server.url}/api/v1/database/{databases[0]['id']}/connection", timeout=30).json()["result"]
    assert database["sqlalchemy_uri"].endswith(f"{root / 'data' / 'warehouse.duckdb'}?access_mode=read_only")
    files = next(
        c
        for c in _dashboards(session, server.url)["dazu-reporting-quality"]
        if c["slice_name"].startswith("报送文件与审核报告")
    )
    before = _chart_rows(session, server.url, files["id"])
    write_workbook(root / "inbox" / "h1.xlsx", cover(period="2024年1-6月"), [indicator_row("工业投资增速", "9", "%")])
    run_nightly(root / "inbox", root / "data")
    assert _chart_rows(session, server.url, files["id"]) == before + 1


def test_the_same_pack_serves_the_postgresql_marts_as_bi_reader(tmp_path, built_sample):
    if not postgres_configured():
        pytest.skip("no PostgreSQL server (PGHOST, PGUSER, PGDATABASE; .ci/run starts one)")
    shutil.copytree(built_sample[0], tmp_path / "inbox")
    with environment(DAZU_TARGET="postgres", DAZU_BI_READER_PASSWORD="reader-公开-2"):
        run_nightly(tmp_path / "inbox", tmp_path / "data")
        server = Server(tmp_path / "data", PASSWORD)
    try:
        session = server.session(PASSWORD)
        database = session.get(f"{server.url}/api/v1/database/", timeout=30).json()["result"][0]
        uri = session.get(f"{server.url}/api/v1/database/{database['id']}/connection", timeout=30).json()["result"]
        assert uri["sqlalchemy_uri"].startswith("postgresql://bi_reader:")
        for slug, charts in _dashboards(session, server.url).items():
            for chart in charts:
                assert _chart_rows(session, server.url, chart["id"]) > 0, (slug, chart["slice_name"])
    finally:
        server.stop()
