{#
    Use custom schemas verbatim (staging, intermediate, reference) instead of
    dbt's default "<target_schema>_<custom_schema>".
    The marts (custom schema "marts", set on the marts folder in dbt_project.yml)
    go to DAZU_MARTS_SCHEMA, default "marts": the PostgreSQL path builds them
    into "marts_build" and swaps that schema in atomically afterwards.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif custom_schema_name | trim == 'marts' -%}
        {{ env_var('DAZU_MARTS_SCHEMA', 'marts') | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
