-- top_terms.sql: one row per term (a word, a hashtag or a two-word phrase) of the customer
-- messages to $brand, the terms most over-represented in the spike window
-- [$window_start, $window_end) against the baseline [$baseline_start, $window_start), best
-- first. Over-representation: the log-odds ratio with an informative Dirichlet prior (Monroe,
-- Colaresi & Quinn 2008, "Fightin' Words"), as a z-score; the prior is $prior times the pooled
-- counts of both periods (alpha_w = $prior * pooled count of w), so a term seen 3 times needs a
-- bigger jump than one seen 50 times, and a term absent from the baseline does not win on that
-- alone. Each message counts a term once. Tokens as in etl/derive_campaigns.sql, shown in
-- their most common spelling (ties: the last in byte order, so every run shows the same);
-- words in $stopwords and bare numbers are dropped; phrases keep only pairs of adjacent
-- non-stop-words without hashtags, and a word always seen inside a listed phrase is left out.
-- $negative_only: only negative messages on both sides.
-- params: $brand (text), $window_start, $window_end, $baseline_start (timestamptz),
--   $negative_only (bool), $stopwords (text[]), $min_count (terms seen fewer times in the
--   window are skipped), $prior (double, 1.0 = as strong as the data), $limit (rows)
with

scoped as (
    select
        message_id,
        created_at >= $window_start::timestamptz as in_window,
        text
    from messages
    where direction = 'inbound'
      and brand = $brand
      and created_at >= $baseline_start::timestamptz
      and created_at < $window_end::timestamptz
      and (not $negative_only::boolean or sentiment_label = 'negative')
),

tokens as (
    select
        message_id,
        in_window,
        regexp_extract_all(
            replace(regexp_replace(
                coalesce(text, ''), 'https?://\S+|@\w+|&\w+;', ' ', 'g'), '’', ''''),
            '#?[\p{L}\p{N}_]+(?:''[\p{L}\p{N}_]+)*'
        ) as toks
    from scoped
),

words as (
    select
        message_id,
        in_window,
        tok,
        list_contains($stopwords::varchar[], lower(tok))
            or regexp_full_match(tok, '[0-9]+') or length(tok) < 2 as is_stop
    from (select message_id, in_window, unnest(toks) as tok from tokens)
),

pairs as (
    select
        message_id,
        in_window,
        unnest(list_transform(range(1, len(toks)), lambda i: [toks[i], toks[i + 1]])) as pair
    from tokens
),

grams as (
    select message_id, in_window, tok as display
    from words
    where not is_stop
    union all
    select message_id, in_window, pair[1] || ' ' || pair[2] as display
    from pairs
    where not list_contains($stopwords::varchar[], lower(pair[1]))
      and not list_contains($stopwords::varchar[], lower(pair[2]))
      and not regexp_full_match(pair[1], '[0-9]+')
      and not regexp_full_match(pair[2], '[0-9]+')
      and not contains(pair[1] || pair[2], '#')
      and length(pair[1]) > 1
      and length(pair[2]) > 1
),

per_message as (
    select message_id, in_window, lower(display) as term, any_value(display) as display
    from grams
    group by all
),

spelling as (
    -- the term's most common spelling; among equally common ones the last in byte order
    -- ('empty' over 'Empty', 'iPhone' over 'IPhone'), so that every run shows the same
    select term, display
    from (select term, display, count(*) as uses from per_message group by term, display)
    qualify row_number() over (partition by term order by uses desc, display desc) = 1
),

counts as (
    select
        term,
        spelling.display,
        count(*) filter (where in_window) as window_count,
        count(*) filter (where not in_window) as baseline_count
    from per_message
    join spelling using (term)
    group by term, spelling.display
),

totals as (
    select
        sum(window_count) as n_window,
        sum(baseline_count) as n_baseline
    from counts
),

scored as (
    select
        counts.*,
        $prior::double * (window_count + baseline_count) as alpha,
        $prior::double * (n_window + n_baseline) as alpha0,
        totals.n_window,
        totals.n_baseline
    from counts, totals
),

final as (
    select
        display as term,
        window_count,
        baseline_count,
        (
            ln((window_count + alpha) / (n_window + alpha0 - window_count - alpha))
            - ln((baseline_count + alpha) / (n_baseline + alpha0 - baseline_count - alpha))
        ) / sqrt(1.0 / (window_count + alpha) + 1.0 / (baseline_count + alpha)) as z
    from scored
    where window_count >= $min_count
),

-- A word every window occurrence of which sits in a listed phrase adds nothing ('log' beside
-- "can't log"): keep the phrase only.
distinct_terms as (
    select *
    from final as word
    where not exists (
        select 1
        from final as phrase
        where contains(phrase.term, ' ')
          and not contains(word.term, ' ')
          and list_contains(string_split(lower(phrase.term), ' '), lower(word.term))
          and phrase.window_count = word.window_count
    )
)

select * from distinct_terms
where z > 0
order by z desc, term
limit $limit
