{#
    Portable SQL: the few expressions whose syntax or behaviour differs between
    DuckDB and PostgreSQL. Every macro goes through adapter.dispatch so that an
    adapter-specific implementation (duckdb__..., postgres__...) wins over the
    portable default__ one.
#}


{#- add_years('d', -1): the date d moved by n calendar years, as a date.
    29 February moves to 28 February in both databases. -#}
{% macro add_years(date_expr, n) -%}
    {{ return(adapter.dispatch('add_years', 'dazu246')(date_expr, n)) }}
{%- endmacro %}

{% macro default__add_years(date_expr, n) -%}
    cast(cast({{ date_expr }} as timestamp) + interval '{{ n | int }} year' as date)
{%- endmacro %}


{#- add_months('d', 'n'): the date d moved by n calendar months (n an integer expression), as a date. -#}
{% macro add_months(date_expr, n_expr) -%}
    {{ return(adapter.dispatch('add_months', 'dazu246')(date_expr, n_expr)) }}
{%- endmacro %}

{% macro default__add_months(date_expr, n_expr) -%}
    cast(cast({{ date_expr }} as timestamp) + ({{ n_expr }}) * interval '1 month' as date)
{%- endmacro %}


{#- last_day_of_month('d'): the last day of the month of d, as a date. -#}
{% macro last_day_of_month(date_expr) -%}
    {{ return(adapter.dispatch('last_day_of_month', 'dazu246')(date_expr)) }}
{%- endmacro %}

{% macro default__last_day_of_month(date_expr) -%}
    cast(date_trunc('month', cast({{ date_expr }} as timestamp)) + interval '1 month' - interval '1 day' as date)
{%- endmacro %}

{% macro duckdb__last_day_of_month(date_expr) -%}
    last_day(cast({{ date_expr }} as date))
{%- endmacro %}


{#- months_between('a', 'b'): calendar-month boundaries crossed from a to b
    (DuckDB's datediff('month', a, b)), as an integer: 2024-01-01 -> 2024-06-30 = 5. -#}
{% macro months_between(start_expr, end_expr) -%}
    {{ return(adapter.dispatch('months_between', 'dazu246')(start_expr, end_expr)) }}
{%- endmacro %}

{% macro default__months_between(start_expr, end_expr) -%}
    cast(
        (extract(year from {{ end_expr }}) - extract(year from {{ start_expr }})) * 12
        + extract(month from {{ end_expr }}) - extract(month from {{ start_expr }})
    as integer)
{%- endmacro %}


{#- format_date('d', '%Y年%-m月%-d日'): d as text, with a strftime-style format.
    Supported codes: %Y %m %-m %d %-d %B (English month name) %b %H %-H %M %S %%;
    everything else is literal text. -#}
{% macro format_date(date_expr, format) -%}
    {{ return(adapter.dispatch('format_date', 'dazu246')(date_expr, format)) }}
{%- endmacro %}

{% macro duckdb__format_date(date_expr, format) -%}
    strftime(cast({{ date_expr }} as timestamp), '{{ format | replace("'", "''") }}')
{%- endmacro %}

{% macro postgres__format_date(date_expr, format) -%}
    {#- translate the strftime format into a to_char pattern; literal text is double-quoted -#}
    {%- set padded = {'Y': 'YYYY', 'm': 'MM', 'd': 'DD', 'B': 'FMMonth', 'b': 'Mon', 'H': 'HH24', 'M': 'MI', 'S': 'SS'} -%}
    {%- set unpadded = {'m': 'FMMM', 'd': 'FMDD', 'H': 'FMHH24'} -%}
    {%- set ns = namespace(pattern='', literal='', skip=0) -%}
    {%- for i in range(format | length) -%}
        {%- if ns.skip > 0 -%}
            {%- set ns.skip = ns.skip - 1 -%}
        {%- elif format[i] == '%' -%}
            {%- set code = format[i + 1] if i + 1 < format | length else '' -%}
            {%- set unpadded_code = format[i + 2] if code == '-' and i + 2 < format | length else '' -%}
            {%- if code == '%' -%}
                {%- set ns.literal = ns.literal ~ '%' -%}
                {%- set ns.skip = 1 -%}
            {%- elif code == '-' and unpadded_code in unpadded -%}
                {%- if ns.literal -%}
                    {%- set ns.pattern = ns.pattern ~ '"' ~ ns.literal | replace('\\', '\\\\') | replace('"', '\\"') ~ '"' -%}
                    {%- set ns.literal = '' -%}
                {%- endif -%}
                {%- set ns.pattern = ns.pattern ~ unpadded[unpadded_code] -%}
                {%- set ns.skip = 2 -%}
            {%- elif code in padded -%}
                {%- if ns.literal -%}
                    {%- set ns.pattern = ns.pattern ~ '"' ~ ns.literal | replace('\\', '\\\\') | replace('"', '\\"') ~ '"' -%}
                    {%- set ns.literal = '' -%}
                {%- endif -%}
                {%- set ns.pattern = ns.pattern ~ padded[code] -%}
                {%- set ns.skip = 1 -%}
            {%- else -%}
                {{ exceptions.raise_compiler_error("format_date: unsupported code in '" ~ format ~ "' at position " ~ i) }}
            {%- endif -%}
        {%- else -%}
            {%- set ns.literal = ns.literal ~ format[i] -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if ns.literal -%}
        {%- set ns.pattern = ns.pattern ~ '"' ~ ns.literal | replace('\\', '\\\\') | replace('"', '\\"') ~ '"' -%}
    {%- endif -%}
    to_char(cast({{ date_expr }} as timestamp), '{{ ns.pattern | replace("'", "''") }}')
{%- endmacro %}


{#- sort_text('file_name'): a text expression to order by, compared byte by byte
    (DuckDB's default) whatever the collation of the PostgreSQL database. -#}
{% macro sort_text(expr) -%}
    {{ return(adapter.dispatch('sort_text', 'dazu246')(expr)) }}
{%- endmacro %}

{% macro default__sort_text(expr) -%}
    {{ expr }}
{%- endmacro %}

{% macro postgres__sort_text(expr) -%}
    ({{ expr }}) collate "C"
{%- endmacro %}


{#- arg_max('x', 'm') / arg_min('x', 'm'), aggregates: x of the group's row with the largest
    (smallest) m, null when that x is null. m must be unique and not null within the group
    (otherwise the row chosen may differ between databases). -#}
{% macro arg_max(value_expr, order_expr) -%}
    {{ return(adapter.dispatch('arg_max', 'dazu246')(value_expr, order_expr)) }}
{%- endmacro %}

{% macro default__arg_max(value_expr, order_expr) -%}
    (array_agg({{ value_expr }} order by {{ order_expr }} desc nulls last))[1]
{%- endmacro %}

{% macro duckdb__arg_max(value_expr, order_expr) -%}
    arg_max_null({{ value_expr }}, {{ order_expr }})
{%- endmacro %}

{% macro arg_min(value_expr, order_expr) -%}
    {{ return(adapter.dispatch('arg_min', 'dazu246')(value_expr, order_expr)) }}
{%- endmacro %}

{% macro default__arg_min(value_expr, order_expr) -%}
    (array_agg({{ value_expr }} order by {{ order_expr }} asc nulls last))[1]
{%- endmacro %}

{% macro duckdb__arg_min(value_expr, order_expr) -%}
    arg_min_null({{ value_expr }}, {{ order_expr }})
{%- endmacro %}


{#- row_hash(['a', 'b', …]): a 64-bit hash of the values as a number that sums without overflow:
    two sets of rows are compared by their count and the sum of their hashes. Not null columns
    only (PostgreSQL's concat_ws skips nulls). -#}
{% macro row_hash(columns) -%}
    {{ return(adapter.dispatch('row_hash', 'dazu246')(columns)) }}
{%- endmacro %}

{% macro default__row_hash(columns) -%}
    cast(hashtextextended(concat_ws('|', {{ columns | join(', ') }}), 0) as numeric)
{%- endmacro %}

{% macro duckdb__row_hash(columns) -%}
    cast(hash({{ columns | join(', ') }}) as hugeint)
{%- endmacro %}
