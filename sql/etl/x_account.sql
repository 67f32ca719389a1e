-- x_account.sql: zero or one row: the stored X account of a brand (see save_x_account.sql).
-- params: $handle (text)
select value
from meta
where key = 'x_account:' || lower($handle::varchar)
