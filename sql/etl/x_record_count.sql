-- x_record_count.sql: one row: how many records normalize_x.sql staged (every record of the
-- file or stream is one staged row, mapped or rejected), the run's `read` count.
-- params: none
select count(*) as records
from staged
