{#- loaded_since('t.loaded_at', relation): the condition "t.loaded_at is later than the latest
    loaded_at of relation", that latest value read when the model or test runs and written into
    the SQL as a literal timestamp. DuckDB then skips the row groups loaded before it; a latest
    value joined in or taken by subquery is not known when the scan is planned, so every row is
    read (a new month at national scale: 1.9 s against 0.1 s to read the new rows of raw).
    `true` while relation has no row. inclusive=true: "at or after".
    In a dbt unit test relation is a fixture (a CTE that cannot be queried beforehand): there the
    same condition reads the latest value by subquery. -#}
{% macro loaded_since(column, relation, inclusive=false) -%}
    {%- set comparison = ' >= ' if inclusive else ' > ' -%}
    {%- if model.resource_type == 'unit_test' -%}
        {{ return(column ~ comparison ~ "coalesce((select max(loaded_at) from " ~ relation
                  ~ "), cast('-infinity' as timestamp))") }}
    {%- endif -%}
    {%- if not execute -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set latest = run_query('select max(loaded_at) from ' ~ relation).columns[0].values()[0] -%}
    {%- if latest is none -%}
        {{ return('true') }}
    {%- endif -%}
    {{ return(column ~ comparison ~ "cast('" ~ latest.isoformat(' ') ~ "' as timestamp)") }}
{%- endmacro %}
