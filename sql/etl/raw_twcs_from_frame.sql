-- raw_twcs_from_frame.sql: the view raw_twcs over the records Python's csv module parsed (the
-- registered DataFrame raw_twcs_frame, copied first: the frame is unregistered before the view
-- is read): one row per record, every field as text, in file order like read_twcs_csv.sql's.
-- params: none
create or replace temp table raw_twcs_python as
select
    record,
    tweet_id::varchar as tweet_id,
    author_id::varchar as author_id,
    inbound::varchar as inbound,
    created_at::varchar as created_at,
    text::varchar as text,
    response_tweet_id::varchar as response_tweet_id,
    in_response_to_tweet_id::varchar as in_response_to_tweet_id,
    author_followers::varchar as author_followers,
    channel::varchar as channel,
    brand::varchar as brand
from raw_twcs_frame;

create or replace temp view raw_twcs as
select
    tweet_id, author_id, inbound, created_at, text, response_tweet_id,
    in_response_to_tweet_id, author_followers, channel, brand
from raw_twcs_python
order by record;
