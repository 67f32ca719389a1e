-- scope_new_account_count.sql: one row: how many brand accounts the new messages add.
-- params: none
select count(*) as accounts
from scope_new_accounts
