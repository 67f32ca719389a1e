-- sample_messages.sql: for each spike of the registered frame `explained_windows` (spike_id,
-- brand, window_start, window_end, negative_only), up to $limit customer messages to its brand
-- in [window_start, window_end) that best show it: those containing the most of its top terms
-- (the registered frame `explained_terms`: spike_id, term; lowercase words, hashtags or
-- two-word phrases, tokenized as in top_terms.sql), earliest first among equals, and at most
-- one per combination of top terms (so three samples say three different things).
-- negative_only: negative messages only. All spikes in one query, each as if alone; returned
-- by spike, in time order.
-- params: $brands (text[]: the frame's brands), $from, $to (timestamptz: its earliest
--   window_start and latest window_end), $limit (rows per spike)
with

terms as (
    select windows.spike_id, coalesce(listed.terms, []::varchar[]) as terms
    from explained_windows as windows
    left join (
        select spike_id, list(term) as terms
        from explained_terms
        group by spike_id
    ) as listed using (spike_id)
),

candidates as (
    select brand, created_at, message_id, author_id, channel, text, sentiment_label
    from messages
    where direction = 'inbound'
      and list_contains($brands::varchar[], brand)
      and created_at >= $from::timestamptz
      and created_at < $to::timestamptz
),

scoped as (
    select
        windows.spike_id,
        candidates.* exclude (brand)
    from explained_windows as windows
    join candidates
      on candidates.brand = windows.brand
     and candidates.created_at >= windows.window_start
     and candidates.created_at < windows.window_end
    where not windows.negative_only or candidates.sentiment_label = 'negative'
),

tokens as (
    select
        *,
        regexp_extract_all(
            lower(replace(regexp_replace(
                coalesce(text, ''), 'https?://\S+|@\w+|&\w+;', ' ', 'g'), '’', '''')),
            '#?[\p{L}\p{N}_]+(?:''[\p{L}\p{N}_]+)*'
        ) as toks
    from scoped
),

matched as (
    select
        tokens.* exclude (toks),
        list_sort(list_intersect(
            list_concat(toks, list_transform(range(1, len(toks)),
                                             lambda i: toks[i] || ' ' || toks[i + 1])),
            terms.terms
        )) as matched_terms
    from tokens
    join terms using (spike_id)
),

one_per_combination as (
    select *
    from matched
    qualify row_number() over (
        partition by spike_id, matched_terms order by created_at, message_id
    ) = 1
),

final as (
    select
        spike_id,
        message_id,
        created_at,
        author_id,
        channel,
        text,
        sentiment_label,
        len(matched_terms) as terms_matched
    from one_per_combination
    qualify row_number() over (
        partition by spike_id order by terms_matched desc, created_at, message_id
    ) <= $limit
)

select * from final
order by spike_id, created_at, message_id
