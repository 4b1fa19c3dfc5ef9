"""The dbt project's shape, read from a fresh `dbt parse`: the rules of dbt-project-evaluator that apply here.

One test per rule; a failure names the nodes that break it. The evaluator's rule names are in brackets
(dbt-labs/dbt-project-evaluator, models/marts/{dag,structure,tests,documentation,governance}/).

Enforced:
- sources are read by staging only [fct_direct_join_to_source, fct_marts_or_intermediate_dependent_on_source];
- a staging model reads exactly one source and no model; a source is read by exactly one staging model, and every
  source is read [fct_multiple_sources_joined, fct_staging_dependent_on_staging,
  fct_staging_dependent_on_marts_or_intermediate, fct_source_fanout, fct_unused_sources, fct_duplicate_sources];
- layers in order staging → intermediate → marts → audits: no intermediate model reads a mart (the "intermediate
  downstream of the marts" the style guide forbids), no mart reads an audit; every model has a parent
  [fct_root_models];
- names and folders: stg_<source>__ in staging/<source>/ with the source's YAML there, int_ in
  intermediate/<domain>/, dim_/fct_ in marts/<domain>/, audit_ in audits/ [fct_model_naming_conventions,
  fct_model_directories, fct_staging_directories, fct_source_directories];
- a mart reads staging only of the feeds its domain owns; reference data (stg_reference__*) is shared by all. The
  evaluator lets marts read staging (the style guide does too: an intermediate model that only passes a staging
  model through is noise), so this project's rule is the narrower "not another domain's feed";
- every model has a primary-key test: unique and not_null on one column (a contract's not_null constraint counts),
  or the project's unique_combination (dbt_utils.unique_combination_of_columns' stand-in); a staging model that
  passes a reference table through may have it on its source, which is where the catalog's keys are tested
  [fct_missing_primary_key_tests];
- every public model (the marts) has an enforced contract and a description, and so has each of its columns;
  every source table has a description [fct_public_models_without_contract, fct_undocumented_public_models,
  fct_undocumented_models, fct_undocumented_source_tables].

Left out: fct_rejoining_of_upstream_concepts and fct_model_fanout (the conformed dimensions are read by many marts
on purpose), fct_too_many_joins / fct_number_of_joins (the reporting calendar joins what it must),
fct_chained_views_dependencies (staging and intermediate are views by design; DuckDB inlines them),
fct_unused_staging_models (the catalog's forms, aliases and units are staged for the docs and the data team,
read by Python, not by a model), fct_hard_coded_references (parsing SQL text; sqlfluff and review catch it),
fct_resource_yml_naming_conventions (a mart's YAML is named after the mart, one file per model),
fct_test_coverage / fct_documentation_coverage (thresholds, not rules), fct_sources_without_freshness (the
pipeline writes the sources itself), exposures and semantic models (none).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from dagster_project.settings import DBT_PROJECT_DIR

DBT = Path(sys.executable).with_name("dbt")
LAYERS = {"staging": 0, "intermediate": 1, "marts": 2, "audit": 3}
PREFIXES = {"staging": "stg_", "intermediate": "int_", "marts": ("dim_", "fct_"), "audit": "audit_"}
# Which feeds' staging each domain of marts may read; reference data (stg_reference__*) is shared by all.
ENTERPRISE_FEED = {"stg_raw__enterprise_month", "stg_raw__enterprise_submission"}
DEPARTMENT_FEED = {
    "stg_raw__submission",
    "stg_raw__indicator_value",
    "stg_raw__period",
    "stg_raw__composed_indicator",
    "stg_raw__unresolved_name",
}
DOMAIN_FEEDS = {
    "core": DEPARTMENT_FEED,
    "indicators": DEPARTMENT_FEED,
    "enterprise": ENTERPRISE_FEED,
    "reporting": DEPARTMENT_FEED | ENTERPRISE_FEED,  # the log of every file of both feeds
}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    """The project as it is in the worktree, not a dbt/target/manifest.json that may be older than the models."""
    tmp = tmp_path_factory.mktemp("dbt_parse")
    env = {**os.environ, "DAZU_DATA_DIR": str(tmp / "data"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    target = tmp / "target"
    result = subprocess.run(
        [str(DBT), "parse", "--target-path", str(target), "--log-path", str(tmp / "logs")],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    return json.loads((target / "manifest.json").read_text(encoding="utf-8"))


def _models(manifest: dict) -> dict[str, dict]:
    return {u: n for u, n in manifest["nodes"].items() if n["resource_type"] == "model"}


def _layer(node: dict) -> str:
    return node["config"].get("schema") or node["schema"]


def _parents(node: dict) -> list[str]:
    return node["depends_on"]["nodes"]


def _sources_of(node: dict) -> list[str]:
    return [p for p in _parents(node) if p.startswith("source.")]


def sources_outside_staging(manifest: dict) -> list[str]:
    return [
        f"{node['name']} ({_layer(node)}) reads {_sources_of(node)}"
        for node in _models(manifest).values()
        if _sources_of(node) and _layer(node) != "staging"
    ]


def staging_not_one_to_one_with_sources(manifest: dict) -> list[str]:
    models = _models(manifest)
    found = []
    for node in models.values():
        if _layer(node) != "staging":
            continue
        if len(_sources_of(node)) != 1:
            found.append(f"{node['name']} reads {len(_sources_of(node))} sources: {_sources_of(node)}")
        read_models = [models[p]["name"] for p in _parents(node) if p in models]
        if read_models:
            found.append(f"{node['name']} (staging) reads models {read_models}")
    readers: dict[str, list[str]] = {s: [] for s in manifest["sources"]}
    for node in models.values():
        for source in _sources_of(node):
            readers[source].append(node["name"])
    found += [f"{s} is read by no model" for s, names in readers.items() if not names]
    found += [f"{s} is read by {len(names)} models: {sorted(names)}" for s, names in readers.items() if len(names) > 1]
    relations = Counter(s["relation_name"] for s in manifest["sources"].values())
    found += [f"{r} is declared as more than one source" for r, n in relations.items() if n > 1]
    return found


def layers_out_of_order(manifest: dict) -> list[str]:
    models = _models(manifest)
    found = []
    for node in models.values():
        if not _parents(node):
            found.append(f"{node['name']} has no parent")
        for parent in (models[p] for p in _parents(node) if p in models):
            if LAYERS[_layer(parent)] > LAYERS[_layer(node)]:
                found.append(f"{node['name']} ({_layer(node)}) reads {parent['name']} ({_layer(parent)})")
    return found


def misnamed_or_misplaced(manifest: dict) -> list[str]:
    found = []
    for node in _models(manifest).values():
        layer, name, folders = _layer(node), node["name"], node["fqn"][1:-1]
        if not name.startswith(PREFIXES[layer]):
            found.append(f"{name}: a {layer} model's name starts with {PREFIXES[layer]}")
        expected_top = {"audit": "audits"}.get(layer, layer)
        if not folders or folders[0] != expected_top or (layer != "audit" and len(folders) != 2):
            found.append(f"{name}: lies in {'/'.join(folders)}, not {expected_top}/<source or domain>/")
        elif layer == "staging" and not name.startswith(f"stg_{folders[1]}__"):
            found.append(f"{name}: in staging/{folders[1]}/ but not named stg_{folders[1]}__*")
    for source in manifest["sources"].values():
        expected = f"models/staging/{source['source_name']}/_{source['source_name']}__sources.yml"
        if source["original_file_path"] != expected:
            found.append(f"source {source['source_name']}.{source['name']}: in {source['original_file_path']}")
    return found


def marts_reading_other_domains(manifest: dict) -> list[str]:
    models = _models(manifest)
    found = []
    for node in models.values():
        if _layer(node) != "marts":
            continue
        domain = node["fqn"][2]
        for parent in (models[p] for p in _parents(node) if p in models):
            name = parent["name"]
            if (
                _layer(parent) == "staging"
                and not name.startswith("stg_reference__")
                and name not in DOMAIN_FEEDS.get(domain, set())
            ):
                found.append(f"{node['name']} (marts/{domain}) reads {name} of another domain's feed")
    return found


def _primary_keyed(manifest: dict) -> set[str]:
    """Models and sources with a primary-key test: unique and not_null on one column, or unique_combination."""
    tests: dict[str, dict[str, set]] = {}
    for test in manifest["nodes"].values():
        if test["resource_type"] != "test" or not test.get("test_metadata"):
            continue
        attached = test.get("attached_node") or test["depends_on"]["nodes"][0]
        by_kind = tests.setdefault(attached, {})
        by_kind.setdefault(test["test_metadata"]["name"], set()).add(test.get("column_name"))
    keyed = set()
    for unique_id, by_kind in tests.items():
        node = manifest["nodes"].get(unique_id) or manifest["sources"].get(unique_id) or {"columns": {}}
        not_null = by_kind.get("not_null", set()) | {
            c
            for c, column in node["columns"].items()
            if any(k["type"] == "not_null" for k in column.get("constraints", []))
        }
        if by_kind.get("unique", set()) & not_null or by_kind.get("unique_combination"):
            keyed.add(unique_id)
    return keyed


def models_without_primary_key_test(manifest: dict) -> list[str]:
    keyed = _primary_keyed(manifest)
    return [
        node["name"]
        for unique_id, node in _models(manifest).items()
        if unique_id not in keyed and not (_layer(node) == "staging" and set(_sources_of(node)) & keyed)
    ]


def public_models_undocumented(manifest: dict) -> list[str]:
    found = []
    for node in _models(manifest).values():
        if _layer(node) != "marts":
            continue
        if not node["config"].get("contract", {}).get("enforced"):
            found.append(f"{node['name']}: no enforced contract")
        if not node.get("description", "").strip():
            found.append(f"{node['name']}: no description")
        found += [
            f"{node['name']}.{c}: no description"
            for c, column in node["columns"].items()
            if not column.get("description", "").strip()
        ]
    found += [
        f"source {s['source_name']}.{s['name']}: no description"
        for s in manifest["sources"].values()
        if not s.get("description", "").strip()
    ]
    return found


def intermediate_downstream_of_marts(manifest: dict) -> list[str]:
    models = _models(manifest)
    return [
        f"{node['name']} reads the mart {models[p]['name']}"
        for node in models.values()
        if _layer(node) == "intermediate"
        for p in _parents(node)
        if p in models and _layer(models[p]) == "marts"
    ]


def _check(rule: Callable[[dict], list[str]], manifest: dict) -> None:
    found = rule(manifest)
    assert not found, f"{rule.__name__}:\n  " + "\n  ".join(found)


def test_no_model_reads_a_source_outside_staging(manifest):
    _check(sources_outside_staging, manifest)


def test_staging_models_and_sources_are_one_to_one(manifest):
    _check(staging_not_one_to_one_with_sources, manifest)


def test_layers_are_read_in_order(manifest):
    _check(layers_out_of_order, manifest)


def test_no_intermediate_model_depends_on_a_mart(manifest):
    _check(intermediate_downstream_of_marts, manifest)


def test_models_are_named_and_placed_by_layer(manifest):
    _check(misnamed_or_misplaced, manifest)


def test_marts_read_staging_of_their_own_domain_only(manifest):
    _check(marts_reading_other_domains, manifest)


def test_every_model_has_a_primary_key_test(manifest):
    _check(models_without_primary_key_test, manifest)


def test_public_models_have_a_contract_and_docs(manifest):
    _check(public_models_undocumented, manifest)


def _model(manifest: dict, name: str) -> dict:
    (node,) = [n for n in _models(manifest).values() if n["name"] == name]
    return node


def test_each_rule_sees_what_breaks_it(manifest):
    """Every rule, shown a manifest broken the way it guards against, reports it."""
    broken = copy.deepcopy(manifest)
    dim_area, fct_enterprise_month = _model(broken, "dim_area"), _model(broken, "fct_enterprise_month")
    int_indicators, stg_period = _model(broken, "int_indicators"), _model(broken, "stg_raw__period")
    submission = next(s for s in broken["sources"] if s.endswith("raw.submission"))
    unused = next(s for s in broken["sources"] if s.endswith("raw.unresolved_name"))
    stg_unresolved = _model(broken, "stg_raw__unresolved_name")
    stg_unresolved["depends_on"]["nodes"].remove(unused)  # a source no model reads
    dim_area["depends_on"]["nodes"].append(submission)  # a mart reading a source
    stg_period["depends_on"]["nodes"].append(submission)  # two sources, one of them read twice
    stg_period["depends_on"]["nodes"].append(_model(broken, "stg_raw__submission")["unique_id"])
    int_indicators["depends_on"]["nodes"].append(_model(broken, "fct_submission")["unique_id"])
    fct_enterprise_month["depends_on"]["nodes"].append(_model(broken, "stg_raw__indicator_value")["unique_id"])
    int_indicators["fqn"] = ["dazu246", "intermediate", "int_indicators"]  # not in a domain folder
    stg_period["fqn"] = ["dazu246", "staging", "reference", "stg_raw__period"]  # in another source's folder
    for test in broken["nodes"].values():
        if test.get("attached_node") == dim_area["unique_id"]:
            test["test_metadata"] = {"name": "accepted_values"}
        if test.get("attached_node") == _model(broken, "dim_period")["unique_id"] and test["column_name"]:
            test["test_metadata"] = {"name": "unique"}  # unique without not_null is no primary key
    for column in _model(broken, "dim_period")["columns"].values():
        column["constraints"] = []
    dim_area["config"]["contract"] = {"enforced": False}
    dim_area["description"] = ""
    next(iter(dim_area["columns"].values()))["description"] = ""

    assert any("dim_area (marts) reads ['source." in v for v in sources_outside_staging(broken))
    one_to_one = staging_not_one_to_one_with_sources(broken)
    assert any(v.startswith("stg_raw__period reads 2 sources") for v in one_to_one)
    assert any(v.startswith("stg_raw__period (staging) reads models ['stg_raw__submission']") for v in one_to_one)
    assert any(v.endswith("raw.unresolved_name is read by no model") for v in one_to_one)
    assert any("raw.submission is read by 3 models" in v for v in one_to_one)
    assert "int_indicators (intermediate) reads fct_submission (marts)" in layers_out_of_order(broken)
    assert intermediate_downstream_of_marts(broken) == ["int_indicators reads the mart fct_submission"]
    misplaced = misnamed_or_misplaced(broken)
    assert any(v.startswith("int_indicators: lies in intermediate") for v in misplaced)
    assert "stg_raw__period: in staging/reference/ but not named stg_reference__*" in misplaced
    assert any(
        "fct_enterprise_month (marts/enterprise) reads stg_raw__indicator_value" in v
        for v in marts_reading_other_domains(broken)
    )
    assert {"dim_area", "dim_period"} <= set(models_without_primary_key_test(broken))
    undocumented = public_models_undocumented(broken)
    assert {"dim_area: no enforced contract", "dim_area: no description"} <= set(undocumented)
    assert any(v.startswith("dim_area.") for v in undocumented)
