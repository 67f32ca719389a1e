-- top_terms.sql: one row per spike of the registered frame `explained_windows` (spike_id,
-- brand, baseline_start, window_start, window_end, negative_only) and term (a word, a hashtag
-- or a two-word phrase) of the customer messages to its brand: the $limit terms most
-- over-represented in the spike window [window_start, window_end) against the baseline
-- [baseline_start, window_start), best first. All spikes in one query; each is computed as if
-- alone. Over-representation: the log-odds ratio with an informative Dirichlet prior (Monroe,
-- Colaresi & Quinn 2008, "Fightin' Words"), as a z-score; the prior is $prior times the pooled
-- counts of both periods (alpha_w = $prior * pooled count of w), so a term seen 3 times needs a
-- bigger jump than one seen 50 times, and a term absent from the baseline does not win on that
-- alone. Each message counts a term once. Tokens as in etl/derive_campaigns.sql, shown in
-- their most common spelling (ties: the last in byte order, so every run shows the same);
-- words in $stopwords and bare numbers are dropped; phrases keep only pairs of adjacent
-- non-stop-words without hashtags, and a word always seen inside a listed phrase is left out.
-- negative_only: only negative messages on both sides.
-- params: $brands (text[]: the frame's brands), $from, $to (timestamptz: its earliest
--   baseline_start and latest window_end; they let the scan skip the rest of messages),
--   $stopwords (text[]), $min_count (terms seen fewer times in the window are skipped),
--   $prior (double, 1.0 = as strong as the data), $limit (rows per spike)
with

candidates as (
    select brand, created_at, message_id, text, sentiment_label
    from messages
    where direction = 'inbound'
      and list_contains($brands::varchar[], brand)
      and created_at >= $from::timestamptz
      and created_at < $to::timestamptz
),

scoped as (
    select
        windows.spike_id,
        candidates.message_id,
        candidates.created_at >= windows.window_start as in_window,
        candidates.text
    from explained_windows as windows
    join candidates
      on candidates.brand = windows.brand
     and candidates.created_at >= windows.baseline_start
     and candidates.created_at < windows.window_end
    where not windows.negative_only or candidates.sentiment_label = 'negative'
),

tokens as (
    select
        spike_id,
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
        spike_id,
        message_id,
        in_window,
        tok,
        list_contains($stopwords::varchar[], lower(tok))
            or regexp_full_match(tok, '[0-9]+') or length(tok) < 2 as is_stop
    from (select spike_id, message_id, in_window, unnest(toks) as tok from tokens)
),

pairs as (
    select
        spike_id,
        message_id,
        in_window,
        unnest(list_transform(range(1, len(toks)), lambda i: [toks[i], toks[i + 1]])) as pair
    from tokens
),

grams as (
    select spike_id, message_id, in_window, tok as display
    from words
    where not is_stop
    union all
    select spike_id, message_id, in_window, pair[1] || ' ' || pair[2] as display
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
    select spike_id, message_id, in_window, lower(display) as term, any_value(display) as display
    from grams
    group by all
),

spelling as (
    -- the term's most common spelling; among equally common ones the last in byte order
    -- ('empty' over 'Empty', 'iPhone' over 'IPhone'), so that every run shows the same
    select spike_id, term, display
    from (
        select spike_id, term, display, count(*) as uses
        from per_message
        group by spike_id, term, display
    )
    qualify row_number() over (partition by spike_id, term order by uses desc, display desc) = 1
),

counts as (
    select
        spike_id,
        term,
        spelling.display,
        count(*) filter (where in_window) as window_count,
        count(*) filter (where not in_window) as baseline_count
    from per_message
    join spelling using (spike_id, term)
    group by spike_id, term, spelling.display
),

totals as (
    select
        spike_id,
        sum(window_count) as n_window,
        sum(baseline_count) as n_baseline
    from counts
    group by spike_id
),

scored as (
    select
        counts.*,
        $prior::double * (window_count + baseline_count) as alpha,
        $prior::double * (n_window + n_baseline) as alpha0,
        totals.n_window,
        totals.n_baseline
    from counts
    join totals using (spike_id)
),

final as (
    select
        spike_id,
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
        where phrase.spike_id = word.spike_id
          and contains(phrase.term, ' ')
          and not contains(word.term, ' ')
          and list_contains(string_split(lower(phrase.term), ' '), lower(word.term))
          and phrase.window_count = word.window_count
    )
),

best as (
    select *
    from distinct_terms
    where z > 0
    qualify row_number() over (partition by spike_id order by z desc, term) <= $limit
)

select * from best
order by spike_id, z desc, term
