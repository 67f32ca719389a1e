-- insert_messages.sql: every mappable staged record becomes a message, in record order: the
-- usual case, when save_messages.sql judged none of them a duplicate or a conflict. Inbound rows
-- carry the score etl.sentiment.score_staged wrote into the staged rows, and its label.
-- A plain scan of the staged rows: DuckDB inserts it in parallel, in row-group batches it puts
-- back in scan order, so messages keep the file's order without a sort.
-- params: $run_id, $threshold (the label cut, etl.sentiment.THRESHOLD)
insert into messages (
    message_id, brand, channel, direction, author_id, author_followers, created_at, text,
    in_reply_to_id, conversation_id, source, sentiment, sentiment_label, response_ids,
    dm_conversation_id, run_id
)
select
    message_id, brand, channel, direction, author_id, author_followers, created_at, text,
    in_reply_to_id, null, source, sentiment,
    -- the label of the score, as sql/etl/sentiment.sql gives it (NULL for unscored rows)
    case
        when sentiment >= $threshold then 'positive'
        when sentiment <= -$threshold then 'negative'
        when sentiment is not null then 'neutral'
    end,
    response_ids, dm_conversation_id, $run_id
from staged
where reject_reason is null;
