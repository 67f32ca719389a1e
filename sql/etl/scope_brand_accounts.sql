-- scope_brand_accounts.sql: one row: how many brand accounts are known. params: none
select count(*) as accounts
from brand_accounts
