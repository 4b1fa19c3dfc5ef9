"""Great Expectations runs in a worker process; the pipeline talks to it through a pipe."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from dagster_project.quality.gx_runner import EXPECTATIONS_DIR, GxWorker


@pytest.fixture(scope="module")
def worker():
    worker = GxWorker()
    yield worker
    worker.close()


def test_the_worker_holds_every_suite_in_another_process(worker):
    assert worker.suite_names == sorted(p.stem for p in EXPECTATIONS_DIR.glob("*.json"))
    assert worker._process.pid != os.getpid() and worker.alive()


def test_findings_come_back_with_the_failing_rows(worker):
    frame = pd.DataFrame({"district_value": [10.0, 5.0, 8.0], "parks_sum": [9.0, 6.0, None]})
    (finding,) = worker.validate("marts_park_reconciliation", frame)
    assert finding.meta["check"] == "parks_within_district" and finding.severity == "warning"
    assert finding.row_indices == (1,), "the parks exceed the district in row 1 only"


def test_an_error_in_the_worker_is_raised_in_the_caller(worker):
    with pytest.raises(RuntimeError, match="KeyError"):
        worker.validate("no_such_suite", pd.DataFrame({"a": [1]}))
    assert worker.alive(), "the worker survives a failed call"


def test_a_closed_worker_says_so():
    worker = GxWorker()
    worker.close()
    with pytest.raises(RuntimeError, match="Great Expectations process ended"):
        worker.validate("marts_park_reconciliation", pd.DataFrame())


def test_calls_made_without_waiting_come_back_as_the_waited_ones(worker):
    late = pd.DataFrame({"district_value": [10.0, 5.0], "parks_sum": [9.0, 6.0]})
    fine = pd.DataFrame({"district_value": [10.0], "parks_sum": [9.0]})
    first, second = (
        worker.validate_later("marts_park_reconciliation", late),
        worker.validate_later("marts_park_reconciliation", fine),
    )
    assert worker.suite_names, "a waited call in between is answered too"
    assert [f.row_indices for f in first.result(timeout=60)] == [(1,)]
    assert second.result(timeout=60) == []
    with pytest.raises(RuntimeError, match="KeyError"):
        worker.validate_later("no_such_suite", fine).result(timeout=60)
