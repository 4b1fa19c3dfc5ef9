"""dbt in process: the parsed manifest is cached by what a parse depends on, and reused without parsing."""

from __future__ import annotations

import dbt.cli.main
from dagster_project import dbt_runner
from dagster_project.dbt_runner import dbt_environment, load_manifest, project_fingerprint
from dagster_project.settings import Settings


def test_the_fingerprint_follows_the_target_not_the_data_folder(tmp_path):
    here = Settings(inbox=tmp_path, data_dir=tmp_path / "a")
    elsewhere = Settings(inbox=tmp_path, data_dir=tmp_path / "b")
    postgres = Settings(inbox=tmp_path, data_dir=tmp_path / "a", target="postgres")
    assert project_fingerprint(here) == project_fingerprint(elsewhere)
    assert project_fingerprint(here) != project_fingerprint(postgres)


def test_a_cached_manifest_is_loaded_without_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(dbt_runner, "MANIFEST_CACHE_DIR", tmp_path / "cache")
    settings = Settings(inbox=tmp_path, data_dir=tmp_path / "data")
    for name, value in dbt_environment(settings).items():
        monkeypatch.setenv(name, value)
    parsed = load_manifest(settings)
    (cached,) = (tmp_path / "cache").glob("*.msgpack")
    assert cached.stem == project_fingerprint(settings)

    def no_parsing(*args, **kwargs):
        raise AssertionError("the cached manifest should have been used")

    monkeypatch.setattr(dbt.cli.main, "dbtRunner", no_parsing)
    loaded = load_manifest(settings)
    assert set(loaded.nodes) == set(parsed.nodes) and "model.dazu246.fct_enterprise_month" in loaded.nodes
    assert loaded.nodes["model.dazu246.fct_enterprise_month"].database == "marts_db"
