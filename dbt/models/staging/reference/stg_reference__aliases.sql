with

source as (

    select * from {{ source('reference', 'aliases') }}

),

renamed as (

    select
        cast(name_kind as varchar) as name_kind,
        cast(alias as varchar) as alias,
        cast(code as varchar) as code

    from source

)

select * from renamed
