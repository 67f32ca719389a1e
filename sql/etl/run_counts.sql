-- run_counts.sql: one row: how the staged records of this run were classified.
-- params: none
select
    count(*) filter (where outcome = 'new') as loaded,
    count(*) filter (where outcome = 'duplicate') as duplicates,
    count(*) filter (where outcome = 'conflict') as conflicts
from classified
