-- rejects_of_run.sql: one row per staged record that is not loaded and is not a duplicate:
-- the ones normalize could not map and the ones whose id is taken by different content.
-- params: none (reads the temp tables staged and classified)
select record, raw, reject_reason as reason
from staged
where reject_reason is not null

union all

select record, raw, 'duplicate tweet_id with different content (the first version is kept)'
from classified
where outcome = 'conflict'

order by record
