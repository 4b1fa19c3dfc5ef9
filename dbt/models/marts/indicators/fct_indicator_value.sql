with

current_values as (

    select * from {{ ref('int_indicator_value_current') }}

),

final as (

    select
        submission_id,
        line_no,
        department_code,
        area_code,
        cluster_code,
        indicator_code,
        period_code,
        year,
        value_kind,
        target_strength,
        comparator,
        value,
        value_upper,
        base_unit,
        display_value,
        display_unit_zh,
        base_period_code,
        raw_text,
        explanation,
        quality_flag,
        source_file,
        source_sha256,
        source_sheet,
        source_row,
        source_cell,
        loaded_at

    from current_values

)

select * from final
