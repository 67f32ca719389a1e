-- insert_messages.sql: every mappable staged record becomes a message, in record order: the
-- usual case, when save_messages.sql judged none of them a duplicate or a conflict. No join: a
-- scan and a filter keep the file's order in messages (a join in the pipeline would not).
-- params: $run_id
insert into messages (
    message_id, brand, channel, direction, author_id, author_followers, created_at, text,
    in_reply_to_id, conversation_id, source, sentiment, sentiment_label, response_ids,
    dm_conversation_id, run_id
)
select
    message_id, brand, channel, direction, author_id, author_followers, created_at, text,
    in_reply_to_id, null, source, null, null, response_ids,
    dm_conversation_id, $run_id
from staged
where reject_reason is null;
