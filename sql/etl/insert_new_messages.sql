-- insert_new_messages.sql: the mappable staged records save_messages.sql did not judge a
-- duplicate or a conflict become messages, in record order (sorted: the join that leaves the
-- others out does not keep the file's order). Inbound rows carry the score
-- etl.sentiment.score_staged wrote into the staged rows, and its label.
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
where reject_reason is null
  and record not in (select record from classified where outcome <> 'new')
order by record;
