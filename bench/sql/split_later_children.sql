-- split_later_children.sql: one row per message that has replies created after the cut, with
-- the ids of those replies (they leave its response_tweet_id in base.csv). params: none
create table later_children as
select in_response_to_tweet_id as tweet_id, list(tweet_id) as kids
from rows
where not before_cut and in_response_to_tweet_id is not null
group by in_response_to_tweet_id;
