with

source as (

    select * from {{ source('reference', 'units') }}

),

renamed as (

    select
        cast(unit_zh as varchar) as unit_zh,
        cast(base_unit as varchar) as base_unit,
        cast(factor as double precision) as factor,
        cast(aliases as varchar) as aliases

    from source

)

select * from renamed
