with

source as (

    select * from {{ source('reference', 'indicators') }}

),

renamed as (

    select
        cast(indicator_code as varchar) as indicator_code,
        cast(name_zh as varchar) as name_zh,
        cast(name_en as varchar) as name_en,
        cast(aliases as varchar) as aliases,
        cast(base_unit as varchar) as base_unit,
        cast(display_unit_zh as varchar) as display_unit_zh,
        cast(category as varchar) as category,
        cast(category_zh as varchar) as category_zh,
        cast(direction as varchar) as direction,
        cast(is_additive as boolean) as is_additive,
        cast(measure_type as varchar) as measure_type,
        cast(plausible_min as double precision) as plausible_min,
        cast(plausible_max as double precision) as plausible_max,
        cast(coalesce(measure_code, indicator_code) as varchar) as measure_code,
        cast(coalesce(form_code, 'level') as varchar) as form_code

    from source

)

select * from renamed
