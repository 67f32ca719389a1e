-- insert_messages.sql: every mappable staged record becomes a message, in record order: the
-- usual case, when save_messages.sql judged none of them a duplicate or a conflict. Inbound rows
-- carry their sentiment from temp table sentiment_scores (etl.sentiment.score_staged, keyed by
-- record).
-- The scores are first laid out one row per staged record, in record order (the scored
-- records and the others, a narrow sort), and paired with `staged` by position: a join would
-- not keep the file's order, and sorting the whole rows after it costs more and leaves the
-- insert on one thread. Every source writes `staged` in record order; the insert fails
-- rather than pair a row with another's score.
-- params: $run_id
create or replace temp table staged_scores as

with

unscored as (
    -- the records score_staged left out (sentiment_stage_staged.sql scores the others)
    select
        record,
        null::double as score,
        null::varchar as label
    from staged
    where (direction = 'inbound' and reject_reason is null) is not true
),

final as (
    select id as record, score, label from sentiment_scores
    union all
    select record, score, label from unscored
)

select * from final
order by record;

insert into messages (
    message_id, brand, channel, direction, author_id, author_followers, created_at, text,
    in_reply_to_id, conversation_id, source, sentiment, sentiment_label, response_ids,
    dm_conversation_id, run_id
)
select
    staged.message_id, staged.brand, staged.channel, staged.direction, staged.author_id,
    staged.author_followers, staged.created_at, staged.text, staged.in_reply_to_id, null,
    staged.source,
    case
        when staged_scores.record = staged.record then staged_scores.score
        else error('insert_messages: staged is not in record order')
    end,
    staged_scores.label, staged.response_ids, staged.dm_conversation_id, $run_id
from staged
positional join staged_scores
where staged.reject_reason is null;

drop table staged_scores;
