-- scope_new_accounts.sql: the brand accounts the new messages will add (derive_threads.sql
-- adds every brand author and every named brand), lower case -> temp table scope_new_accounts.
-- params: none
create or replace temp table scope_new_accounts as
select distinct lower(handle) as handle
from (
    select author_id as handle
    from messages
    where direction = 'outbound'
      and message_id in (select message_id from scope_seed)

    union all

    select brand as handle
    from messages
    where brand is not null
      and message_id in (select message_id from scope_seed)
)
where lower(handle) not in (select lower(handle) from brand_accounts);
