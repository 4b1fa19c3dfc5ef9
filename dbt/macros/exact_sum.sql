{#- exact_sum('x') / exact_sum('x', 'partition by a order by b'): the sum of a
    double precision expression, computed in numeric(38, 6) so that the result does not
    depend on the order rows are added in (floating-point addition is not associative:
    summed as doubles, the same rows in another physical order, e.g. after an
    incremental run instead of a full refresh, can differ in the last bits). Each value
    is rounded to 6 decimals (a millionth of a yuan / mu / tce) before adding; the
    result is a double precision again.
    Across databases the last bits may still differ: PostgreSQL converts a double to
    numeric through 15 significant digits, DuckDB exactly. -#}
{% macro exact_sum(expr, over=none) -%}
    cast(sum(cast({{ expr }} as numeric(38, 6))){% if over is not none %} over ({{ over }}){% endif %} as double precision)
{%- endmacro %}
