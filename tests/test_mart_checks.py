"""Gate 2: the mart checks pass on the built sample and fail, with the failing rows, on broken marts."""

from __future__ import annotations

import shutil

import dagster as dg
import pytest

from dagster_project.assets.mart_checks import cluster_output_checks, parks_within_district, target_progress_checks
from dagster_project.resources import GreatExpectationsResource, SettingsResource, WarehouseResource
from dagster_project.settings import Settings
from dagster_project.storage import connect


@pytest.fixture
def warehouse_copy(built_sample, tmp_path):
    """A private copy of a built warehouse that a test may break."""
    _, data_dir = built_sample
    shutil.copytree(data_dir / "work", tmp_path / "work")
    return tmp_path


def _break(data_dir, *statements):
    with connect(Settings(inbox=data_dir, data_dir=data_dir)) as con:
        for statement in statements:
            con.execute(statement)


def _results(check, data_dir) -> dict[str, dg.AssetCheckResult]:
    warehouse = WarehouseResource(settings=SettingsResource(data_dir=str(data_dir)))
    results = check(gx=GreatExpectationsResource(), warehouse=warehouse)
    results = [results] if isinstance(results, dg.AssetCheckResult) else list(results)
    return {r.check_name: r for r in results}


def test_all_checks_pass_on_the_built_sample(warehouse_copy):
    for check in (cluster_output_checks, parks_within_district, target_progress_checks):
        for name, result in _results(check, warehouse_copy).items():
            assert result.passed, (name, result.metadata)
    assert (warehouse_copy / "data_docs" / "index.html").is_file()


def test_cluster_shares_that_do_not_sum_to_one_fail_blocking(warehouse_copy):
    _break(
        warehouse_copy,
        "update marts.fct_cluster_output set share_of_area_total = share_of_area_total * 1.1 "
        "where cluster_code = 'other'",
    )
    result = _results(cluster_output_checks, warehouse_copy)["cluster_shares_sum_to_one"]
    assert not result.passed and result.severity == dg.AssetCheckSeverity.ERROR
    assert result.metadata["failing_row_count"].value >= 1  # every period with an `other` row
    assert "dazu_district" in result.metadata["failing_rows"].value


def test_implausible_computed_growth_fails_and_disagreeing_growth_warns(warehouse_copy):
    _break(
        warehouse_copy,
        "update marts.fct_cluster_output set yoy_growth = 8.5 where cluster_code = 'robotics'",
        "update marts.fct_cluster_output set yoy_growth = reported_yoy_growth + 0.02 "
        "where cluster_code = 'smart_elevators' and reported_yoy_growth is not null",
    )
    results = _results(cluster_output_checks, warehouse_copy)
    assert not results["computed_growth_plausible"].passed
    assert "robotics" in results["computed_growth_plausible"].metadata["failing_rows"].value
    agrees = results["reported_growth_agrees"]
    assert not agrees.passed and agrees.severity == dg.AssetCheckSeverity.WARN
    assert "smart_elevators" in agrees.metadata["failing_rows"].value


def test_parks_exceeding_the_district_warn(warehouse_copy):
    _break(
        warehouse_copy,
        "update marts.fct_indicator_value set value = 5000 "
        "where indicator_code = 'new_tech_smes' and area_code = 'industrial_park'",
    )
    result = _results(parks_within_district, warehouse_copy)["parks_within_district"]
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN
    assert "new_tech_smes" in result.metadata["failing_rows"].value


def test_targets_with_unknown_codes_or_wild_ratios_fail(warehouse_copy):
    _break(
        warehouse_copy,
        "update marts.fct_target_progress set indicator_code = 'no_such_indicator' where indicator_code = 'tech_smes'",
        "update marts.fct_target_progress set schedule_ratio = 1.5, attainment_ratio = 99 "
        "where indicator_code = 'green_factories'",
    )
    results = _results(target_progress_checks, warehouse_copy)
    assert not results["targets_reference_known_codes"].passed
    assert "no_such_indicator" in results["targets_reference_known_codes"].metadata["failing_rows"].value
    assert not results["progress_ratios_in_bounds"].passed
    assert "green_factories" in results["progress_ratios_in_bounds"].metadata["failing_rows"].value
