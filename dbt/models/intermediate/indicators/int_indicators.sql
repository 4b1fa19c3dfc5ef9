-- Every indicator a value may carry: the catalog's, and every measure x form
-- composition an accepted submission used without a catalog row of its own
-- (ingest writes those to raw.composed_indicator). A catalog row wins over a
-- composition of the same code.
with

indicators as (

    select * from {{ ref('stg_reference__indicators') }}

),

composed as (

    select * from {{ ref('stg_raw__composed_indicator') }}

),

catalog_rows as (

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

),

composed_rows as (

    select
        composed.indicator_code,
        composed.name_zh,
        composed.name_en,
        composed.base_unit,
        composed.display_unit_zh,
        composed.category,
        composed.direction,
        composed.is_additive,
        composed.plausible_min,
        composed.plausible_max,
        composed.measure_type,
        composed.category_zh,
        cast(null as varchar) as aliases,
        composed.measure_code,
        composed.form_code

    from composed
    left join indicators
        on composed.indicator_code = indicators.indicator_code
    where indicators.indicator_code is null

),

final as (

    select * from catalog_rows
    union all
    select * from composed_rows

)

select * from final
