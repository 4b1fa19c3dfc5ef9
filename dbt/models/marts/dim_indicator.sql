with

indicators as (

    select * from {{ ref('stg_reference__indicators') }}

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
        aliases

    from indicators

)

select * from final
