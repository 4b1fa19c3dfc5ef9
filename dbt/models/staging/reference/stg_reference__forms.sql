with

source as (

    select * from {{ source('reference', 'forms') }}

),

renamed as (

    select
        cast(form_code as varchar) as form_code,
        cast(name_zh as varchar) as name_zh,
        cast(name_en as varchar) as name_en,
        cast(templates as varchar) as templates,
        cast(display_zh as varchar) as display_zh,
        cast(display_en as varchar) as display_en,
        cast(base_unit as varchar) as base_unit,
        cast(display_unit_zh as varchar) as display_unit_zh,
        cast(direction as varchar) as direction,
        cast(is_additive as varchar) as is_additive,
        cast(measure_type as varchar) as measure_type,
        cast(plausible_min as varchar) as plausible_min,
        cast(plausible_max as varchar) as plausible_max,
        cast(applies_to as varchar) as applies_to,
        cast(fallback as varchar) as fallback

    from source

)

select * from renamed
