-- split_counts.sql: one row: records before / after the cut, and the later ones that answer an
-- earlier record. params: none
select
    count(*) filter (where before_cut) as base_rows,
    count(*) filter (where not before_cut) as day_rows,
    count(*) filter (
        where not before_cut
          and in_response_to_tweet_id in (select tweet_id from rows where before_cut)
    ) as day_replies_to_base
from rows
