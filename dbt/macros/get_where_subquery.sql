{#
    get_where_subquery: dbt's wrapper of the model a generic test reads, when the test has a
    `config: where:` (overrides dbt's macro of the same name; otherwise the same).
    Two placeholders may appear in a `where`, replaced when the test runs:
      __latest_enterprise_load__  the latest loaded_at of the enterprise files (the last
                                  ingestion run stamps all its files with the same second), as a
                                  scalar subquery on stg_raw__enterprise_submission
      __model__                   the relation the test reads, for a subquery on it
    So a test on a table that grows every month checks the rows of the latest ingestion
    instead of the whole history, e.g.
        where: 'loaded_at >= __latest_enterprise_load__'
    ref() cannot be used in `where` (it is not a dependency of the test); the relation is
    taken from the graph, so that its database and schema are the ones dbt builds into, on
    DuckDB and PostgreSQL alike. No var or env var is involved: the parsed project does not
    change from run to run.
#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- if '__latest_enterprise_load__' in where -%}
            {%- set where = where | replace('__latest_enterprise_load__', latest_enterprise_load()) -%}
        {%- endif -%}
        {%- if '__model__' in where -%}
            {%- set where = where | replace('__model__', relation | string) -%}
        {%- endif -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}


{#- latest_enterprise_load(): a scalar subquery, the latest loaded_at of the enterprise files
    (null while there are none, so that a test scoped by it checks no rows). -#}
{% macro latest_enterprise_load() -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.stg_raw__enterprise_submission') -%}
    {%- if node is none -%}
        {{ exceptions.raise_compiler_error('latest_enterprise_load: model stg_raw__enterprise_submission not found') }}
    {%- endif -%}
    {%- set submissions = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias) -%}
    (select max(loaded_at) from {{ submissions }})
{%- endmacro %}
