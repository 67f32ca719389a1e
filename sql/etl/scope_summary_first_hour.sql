-- scope_summary_first_hour.sql: after an incremental derive (scope_merge.sql), the first UTC
-- hour from which the summaries that depend on earlier hours (etl/summaries.py FROM_HOUR_MARK:
-- their rows depend only on the conversations' brand, start, first response and DM handoff,
-- and on the end of the data) may have changed: for each conversation row deleted or inserted,
-- the hour of the earlier of its two first responses when only that changed (a first response
-- that appeared, moved or went away changes nothing before it), else of the earlier start.
-- The end of the data those summaries take care of themselves (they extend from their last
-- stored hour). A message can make an older one count (a brand DM sent before becomes a
-- conversation's first response once the customer answers it): hence both versions' times,
-- not the hours of the messages loaded.
-- -> one row: hour_mark (whole hours since 1970, NULL when no such row changed), which
-- etl/summaries.py hands to those summaries in temp table summary_first_hour
-- (scope_summary_first_hour_table.sql) on the connection that runs them.
-- params: none
with

versions as (
    -- per changed conversation id: its versions, and whether they agree on all but the first
    -- response
    select
        conversation_id,
        count(*) as versions,
        count(distinct (started_at, handoff_of, brand)) as keys,
        count(distinct (first_response_at, 0)) as responses,
        min(started_at) as first_start,
        min(first_response_at) as first_response
    from scope_changed_conversations
    group by conversation_id
),

changed_times as (
    select
        case
            when versions = 2 and keys = 1 and responses = 1 then null
            when versions = 2 and keys = 1 then first_response
            else first_start
        end as changed_at
    from versions
)

select min(epoch_us(changed_at)) // 3600000000 as hour_mark
from changed_times;
