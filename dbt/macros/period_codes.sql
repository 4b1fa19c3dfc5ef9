{#
    Period codes built in SQL, by the same rules as dagster_project/parsing/periods.py
    (a period's code is the most specific calendar name for its date range).
#}


{#- ytd_period_code(year, m): the code of the range January..month m of year, by the
    rules of dagster_project/parsing/periods.py: 12 -> '2024', 6 -> '2024H1',
    3 -> '2024Q1', 1 -> '2024M01' (a single month), else '2024YTD05'.
    Both arguments are integer expressions. -#}
{% macro ytd_period_code(year_expr, month_expr) -%}
    case {{ month_expr }}
        when 12 then cast({{ year_expr }} as varchar)
        when 6 then cast({{ year_expr }} as varchar) || 'H1'
        when 3 then cast({{ year_expr }} as varchar) || 'Q1'
        when 1 then cast({{ year_expr }} as varchar) || 'M01'
        else cast({{ year_expr }} as varchar) || 'YTD' || lpad(cast({{ month_expr }} as varchar), 2, '0')
    end
{%- endmacro %}


{#- ytd_period_granularity(m): the granularity of that range (year, half, quarter, month, ytd). -#}
{% macro ytd_period_granularity(month_expr) -%}
    case {{ month_expr }}
        when 12 then 'year'
        when 6 then 'half'
        when 3 then 'quarter'
        when 1 then 'month'
        else 'ytd'
    end
{%- endmacro %}


{#- month_period_code(year, m): the code of month m alone, e.g. '2024M06'. -#}
{% macro month_period_code(year_expr, month_expr) -%}
    cast({{ year_expr }} as varchar) || 'M' || lpad(cast({{ month_expr }} as varchar), 2, '0')
{%- endmacro %}
