-- insert_messages.sql: every mappable staged record becomes a message, in record order: the
-- usual case, when save_messages.sql judged none of them a duplicate or a conflict. Inbound rows
-- carry their sentiment from temp table sentiment_scores (etl.sentiment.score_staged, keyed by
-- record); sorted by record, since that join does not keep the file's order in messages.
-- params: $run_id
insert into messages (
    message_id, brand, channel, direction, author_id, author_followers, created_at, text,
    in_reply_to_id, conversation_id, source, sentiment, sentiment_label, response_ids,
    dm_conversation_id, run_id
)
select
    message_id, brand, channel, direction, author_id, author_followers, created_at, text,
    in_reply_to_id, null, source, scores.score, scores.label, response_ids,
    dm_conversation_id, $run_id
from staged
left join sentiment_scores as scores on scores.id = staged.record
where reject_reason is null
order by record;
