-- sample_messages.sql: up to $limit customer messages to $brand in [$window_start,
-- $window_end) that best show a spike: those containing the most of its top terms ($terms,
-- lowercase words, hashtags or two-word phrases, tokenized as in top_terms.sql), earliest first
-- among equals, and at most one per combination of top terms (so three samples say three
-- different things). $negative_only: negative messages only. Returned in time order.
-- params: $brand (text), $window_start, $window_end (timestamptz), $negative_only (bool),
--   $terms (text[]), $limit (rows)
with

scoped as (
    select message_id, created_at, author_id, channel, text, sentiment_label
    from messages
    where direction = 'inbound'
      and brand = $brand
      and created_at >= $window_start::timestamptz
      and created_at < $window_end::timestamptz
      and (not $negative_only::boolean or sentiment_label = 'negative')
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
        * exclude (toks),
        list_sort(list_intersect(
            list_concat(toks, list_transform(range(1, len(toks)),
                                             lambda i: toks[i] || ' ' || toks[i + 1])),
            $terms::varchar[]
        )) as matched_terms
    from tokens
),

one_per_combination as (
    select *
    from matched
    qualify row_number() over (
        partition by matched_terms order by created_at, message_id
    ) = 1
),

final as (
    select
        message_id,
        created_at,
        author_id,
        channel,
        text,
        sentiment_label,
        len(matched_terms) as terms_matched
    from one_per_combination
    order by terms_matched desc, created_at, message_id
    limit $limit
)

select * from final
order by created_at, message_id
