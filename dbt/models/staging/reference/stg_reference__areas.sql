with

source as (

    select * from {{ source('reference', 'areas') }}

),

renamed as (

    select
        cast(area_code as varchar) as area_code,
        cast(name_zh as varchar) as name_zh,
        cast(name_en as varchar) as name_en,
        cast(area_type as varchar) as area_type,
        cast(parent_area_code as varchar) as parent_area_code,
        cast(sort_order as integer) as sort_order,
        cast(aliases as varchar) as aliases

    from source

)

select * from renamed
