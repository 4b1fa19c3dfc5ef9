"""The dbt project's shape, read from its manifest: the rules of dbt-project-evaluator that apply here.

Enforced (the evaluator's names in brackets):
- sources are read by staging only, one source per staging model, every source read [fct_direct_join_to_source,
  fct_marts_or_intermediate_dependent_on_source, fct_multiple_sources_joined, fct_unused_sources];
- layers in order staging → intermediate → marts → audits: staging reads no model, no intermediate model reads
  a mart [fct_staging_dependent_on_staging, fct_staging_dependent_on_marts_or_intermediate, and the issue's
  "no intermediate downstream of the marts"]; no model without parents [fct_root_models];
- names and folders: stg_<source>__ in staging/<source>/, int_ in intermediate/<domain>/, dim_/fct_ in
  marts/<domain>/, audit_ in audits/ [fct_model_naming_conventions, fct_model_directories];
- a mart reads staging only of the feeds its domain owns (reference data is shared by all);
- every model has a primary-key test (unique, or a unique combination of columns; a staging model that passes a
  reference table through may have it on its source) [fct_missing_primary_key_tests];
- every public model (the marts) has an enforced contract and a description, and so has each of its columns;
  every source table has a description [fct_public_models_without_contract, fct_undocumented_models,
  fct_undocumented_source_tables].

Left out: fct_rejoining_of_upstream_concepts and fct_model_fanout (the dimensions are read by many marts on
purpose), fct_too_many_joins (the reporting calendar joins what it must), exposures and semantic models (none).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable

import pytest

from dagster_project.settings import DBT_PROJECT_DIR

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
KEY_TESTS = {"unique", "unique_combination"}


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text(encoding="utf-8"))


def _models(manifest: dict) -> dict[str, dict]:
    return {u: n for u, n in manifest["nodes"].items() if n["resource_type"] == "model"}


def _layer(node: dict) -> str:
    return node["config"].get("schema") or node["schema"]


def _parents(node: dict) -> list[str]:
    return node["depends_on"]["nodes"]


def sources_outside_staging(manifest: dict) -> list[str]:
    found = []
    for node in _models(manifest).values():
        sources = [p for p in _parents(node) if p.startswith("source.")]
        if sources and _layer(node) != "staging":
            found.append(f"{node['name']} reads {sources}")
        if _layer(node) == "staging" and len(sources) != 1:
            found.append(f"{node['name']} reads {len(sources)} sources")
    read = {p for n in _models(manifest).values() for p in _parents(n)}
    found += [f"{s} is read by no model" for s in manifest["sources"] if s not in read]
    return found


def layers_out_of_order(manifest: dict) -> list[str]:
    models = _models(manifest)
    found = []
    for node in models.values():
        parents = [models[p] for p in _parents(node) if p in models]
        if not _parents(node):
            found.append(f"{node['name']} has no parent")
        if _layer(node) == "staging" and parents:
            found.append(f"{node['name']} (staging) reads models {[p['name'] for p in parents]}")
        for parent in parents:
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


def models_without_primary_key_test(manifest: dict) -> list[str]:
    keyed = set()
    for test in manifest["nodes"].values():
        if test["resource_type"] == "test" and (test.get("test_metadata") or {}).get("name") in KEY_TESTS:
            keyed.add(test.get("attached_node") or test["depends_on"]["nodes"][0])
    found = []
    for unique_id, node in _models(manifest).items():
        sources = [p for p in _parents(node) if p.startswith("source.")]
        if unique_id not in keyed and not (_layer(node) == "staging" and set(sources) & keyed):
            found.append(node["name"])
    return found


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


RULES: list[Callable[[dict], list[str]]] = [
    sources_outside_staging,
    layers_out_of_order,
    misnamed_or_misplaced,
    marts_reading_other_domains,
    models_without_primary_key_test,
    public_models_undocumented,
]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
def test_the_project_keeps_the_rule(manifest, rule):
    assert rule(manifest) == []


def _model(manifest: dict, name: str) -> dict:
    (node,) = [n for n in _models(manifest).values() if n["name"] == name]
    return node


def test_each_rule_sees_what_breaks_it(manifest):
    """Every rule, shown a manifest broken the way it guards against, reports it."""
    broken = copy.deepcopy(manifest)
    dim_area, fct_enterprise_month = _model(broken, "dim_area"), _model(broken, "fct_enterprise_month")
    int_indicators = _model(broken, "int_indicators")
    source = next(s for s in broken["sources"] if s.endswith("raw.submission"))
    dim_area["depends_on"]["nodes"].append(source)  # a mart reading a source
    int_indicators["depends_on"]["nodes"].append(_model(broken, "fct_submission")["unique_id"])
    fct_enterprise_month["depends_on"]["nodes"].append(_model(broken, "stg_raw__indicator_value")["unique_id"])
    int_indicators["fqn"] = ["dazu246", "intermediate", "int_indicators"]  # not in a domain folder
    for test in broken["nodes"].values():
        if test.get("attached_node") == dim_area["unique_id"]:
            test["test_metadata"] = {"name": "not_null"}
    dim_area["config"]["contract"] = {"enforced": False}
    next(iter(dim_area["columns"].values()))["description"] = ""

    assert any("dim_area reads ['source." in v for v in sources_outside_staging(broken))
    assert any("int_indicators (intermediate) reads fct_submission (marts)" in v for v in layers_out_of_order(broken))
    assert any(v.startswith("int_indicators: lies in intermediate") for v in misnamed_or_misplaced(broken))
    assert any(
        "fct_enterprise_month (marts/enterprise) reads stg_raw__indicator_value" in v
        for v in marts_reading_other_domains(broken)
    )
    assert "dim_area" in models_without_primary_key_test(broken)
    undocumented = public_models_undocumented(broken)
    assert "dim_area: no enforced contract" in undocumented and any(v.startswith("dim_area.") for v in undocumented)
