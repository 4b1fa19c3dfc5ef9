with

indicators as (

    select * from {{ ref('int_indicators') }}

),

final as (

    select
        indicator_code,
        name_zh,
        name_en,
        base_unit,
        display_unit_zh,
        category,
        direction,
        is_additive,
        plausible_min,
        plausible_max,
        measure_type,
        category_zh,
        aliases,
        measure_code,
        form_code

    from indicators

)

select * from final
