{#
    Fails for every combination of the given columns that occurs more than once.
    Plain-SQL stand-in for dbt_utils.unique_combination_of_columns.
    Usage:
      data_tests:
        - unique_combination:
            arguments:
              combination_of_columns: [col_a, col_b]
#}
{% test unique_combination(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(',\n    ') }},
    count(*) as n_records
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
