-- scope_new_accounts.sql: the brand accounts the new messages will add (derive_threads.sql
-- adds every brand author and every named brand), lower case -> temp table scope_new_accounts.
-- params: none
create or replace temp table scope_new_accounts as
select distinct lower(handle) as handle
from (
    select author_id as handle
    from scope_seed
    where direction = 'outbound'

    union all

    select brand as handle
    from scope_seed
    where brand is not null
)
where lower(handle) not in (select lower(handle) from brand_accounts);
