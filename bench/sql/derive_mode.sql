-- derive_mode.sql: one row: how the last derive of a database ran ('full' or
-- 'incremental: ...'), as etl/derive.py records it in meta. params: none
select max(value) as mode
from meta
where key = 'derive_mode'
