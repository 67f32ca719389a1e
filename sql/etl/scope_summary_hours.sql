-- scope_summary_hours.sql: after an incremental derive (scope_merge.sql), the UTC hours whose
-- dashboard summary rows may have changed (etl/summaries.py): the hours of the messages this
-- load placed (scope_seed.sql: the new ones, whatever they were given) or whose keys changed,
-- and the start hours of every conversation row deleted or inserted, and of the conversations
-- those rows continue by DM handoff (a DM conversation's messages count for the public one it
-- continues).
-- -> temp table summary_hours (hour_mark: whole hours since 1970, as the summaries key them);
-- variable summary_hours_from: a time at or before every time of those hours, one hour before
-- the first (also right for times before 1970, where integer division truncates), which the
-- refresh filters on before it computes each row's hour: row groups of older messages and
-- conversations are then skipped on their zonemaps, not scanned (a bound parameter cannot be
-- part of a view; a variable can, and is read once when the view is bound).
-- params: none
create or replace temp table summary_hours as

with

continued as (
    select started_at
    from conversations
    where conversation_id in (
        select handoff_of from scope_changed_conversations where handoff_of is not null
    )
),

changed_times as (
    select created_at as changed_at from scope_seed
    union all
    select created_at from scope_changed_keys
    union all
    select started_at from scope_changed_conversations
    union all
    select started_at from continued
)

select distinct epoch_us(changed_at) // 3600000000 as hour_mark
from changed_times
where changed_at is not null;

set variable summary_hours_from = (
    select make_timestamptz((min(hour_mark) - 1) * 3600000000) from summary_hours
);
