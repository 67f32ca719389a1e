-- date_range.sql: one row: the first and last message times in the database (UTC).
-- Read from summary_data_span (rebuilt at every load: the same figures over messages).
-- params: none
select first_at, last_at, messages
from summary_data_span
