-- scope_summary_digest.sql: one row: the digest of the SQL of one dashboard summary as it was
-- when its table was last rebuilt (etl/summaries.py), NULL when none is recorded.
-- params: $key (text: 'summary_digest:' and the step's name)
select max(value) as digest
from meta
where key = $key
