-- split_base.sql: one row per record created before the cut, in file order, with the file's
-- columns; response_tweet_id keeps only the replies that exist before the cut. params: none
select
    rows.* exclude (rn, before_cut) replace (
        nullif(array_to_string(list_filter(
            string_split(rows.response_tweet_id, ','),
            lambda x: not list_contains(coalesce(later_children.kids, []), x)
        ), ','), '') as response_tweet_id
    )
from rows
left join later_children on later_children.tweet_id = rows.tweet_id
where rows.before_cut
order by rows.rn
