{#
    source_or_empty('raw', 'enterprise_month', ['submission_id', ...]):
    `select * from` the source table, or, when the table does not exist yet (ingestion
    creates the raw enterprise tables the first time it runs with that code), a
    query with the same column names and no rows, so that everything downstream
    still builds (empty). Every column comes out as a null varchar in that case:
    the staging model casts each column to its type anyway.
#}
{% macro source_or_empty(source_name, table_name, column_names) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- set existing = none -%}
    {%- if execute -%}
        {%- set existing = adapter.get_relation(
            database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
    {%- endif -%}
    {%- if not execute or existing is not none -%}
        select * from {{ relation }}
    {%- else -%}
        {%- do log("source " ~ source_name ~ "." ~ table_name ~ " does not exist: treated as empty", info=true) -%}
        select
        {%- for column_name in column_names %}
            cast(null as varchar) as {{ column_name }}{{ "," if not loop.last }}
        {%- endfor %}
        where 1 = 0
    {%- endif -%}
{%- endmacro %}
