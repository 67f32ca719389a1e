-- date_range.sql: one row: the first and last message times in the database (UTC).
-- params: none
select min(created_at) as first_at, max(created_at) as last_at, count(*) as messages
from messages
