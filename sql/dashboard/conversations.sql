-- conversations.sql: one row per customer conversation matching the conversation-list filters,
-- newest first, at most $limit rows (null = all, for exports), with the first customer message.
-- Conversations as the metrics count them (sql/metrics/response_times.sql): brand known, a DM
-- conversation that continues a public one (handoff_of) is shown inside that public one.
-- A conversation belongs to the period in which it started ([$start, $end), UTC).
-- Filters ('any' switches one off):
--   $answered: 'yes' | 'no' | 'any'             a brand answered it (public or in DM)
--   $moved_to_dm: 'yes' | 'no' | 'any'          the brand asked for a DM, or a DM followed
--   $sentiment: 'any' | 'started_negative' | 'ended_negative' | 'turned_around' | 'positive'
--       on the first / last customer message score; negative = score <= -$sentiment_cut,
--       positive = score >= $sentiment_cut (VADER's standard cut, as the loader's labels);
--       turned_around = answered, started negative, the customer spoke again and ended neutral
--       or positive (close to sentiment_turnaround, which also requires that last message to
--       come after the brand's first response)
--   $campaign: '' = any, else the campaign the conversation matched
--   $frt_above_minutes: null = any, else "not answered within X minutes": the first response
--       took longer than X, or there is none (exactly the complement of response_times'
--       within_* shares and of sla_curve's share_answered at X)
--   $clock: 'calendar' | 'business' (which first response time the FRT filter and column use)
-- Output: `matching` is the number of rows matching before the limit.
-- params: $brands (text[]; empty = all), $start, $end, $answered, $moved_to_dm, $sentiment,
--   $sentiment_cut, $campaign, $frt_above_minutes, $clock, $limit
with

scoped as not materialized (
    select
        conversation_id,
        started_at,
        answered,
        moved_to_dm,
        campaign,
        inbound_count,
        first_sentiment,
        last_sentiment,
        case when $clock = 'business' then first_response_business_minutes
             else first_response_minutes end as frt_minutes
    from conversations
    where brand is not null
      and handoff_of is null
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and started_at >= $start::timestamptz
      and started_at < $end::timestamptz
),

filtered as not materialized (
    -- only the columns the filters and the order need: the count and the top rows below
    -- touch every matching conversation, the other columns are read for the page only.
    -- Not materialized: the count and the top rows each scan them (two streaming scans cost a
    -- third of storing every matching row once for both)
    select conversation_id, started_at
    from scoped
    where ($answered = 'any' or answered = ($answered = 'yes'))
      and ($moved_to_dm = 'any' or moved_to_dm = ($moved_to_dm = 'yes'))
      and ($campaign = '' or campaign = $campaign)
      and (
          $frt_above_minutes::double is null
          or not coalesce(frt_minutes <= $frt_above_minutes::double, false)
      )
      and (
          $sentiment = 'any'
          or ($sentiment = 'started_negative' and first_sentiment <= -$sentiment_cut::double)
          or ($sentiment = 'ended_negative' and last_sentiment <= -$sentiment_cut::double)
          or ($sentiment = 'turned_around' and answered and inbound_count > 1
              and first_sentiment <= -$sentiment_cut::double
              and last_sentiment > -$sentiment_cut::double)
          or ($sentiment = 'positive' and first_sentiment >= $sentiment_cut::double)
      )
),

matching as (
    select count(*) as matching from filtered
),

newest as (
    select conversation_id
    from filtered
    order by started_at desc, conversation_id
    limit $limit
),

page as (
    select
        conversations.*,
        case when $clock = 'business' then conversations.first_response_business_minutes
             else conversations.first_response_minutes end as frt_minutes,
        matching.matching
    from conversations
    semi join newest using (conversation_id)
    cross join matching
),

first_at as (
    -- each listed conversation's first customer message time, without reading any text: at
    -- 30M rows, reading the text of every inbound message the semi join had not yet ruled out
    -- cost 1.5 of the page's 1.6 s
    select messages.conversation_id, min(messages.created_at) as first_at
    from messages
    semi join page on page.conversation_id = messages.conversation_id
    where messages.direction = 'inbound'
    group by messages.conversation_id
),

first_text as (
    -- the text of those first messages (arg_min among messages sent in the same second, as
    -- over all of the conversation's messages); the time bounds let the scan skip row groups
    select
        messages.conversation_id,
        arg_min(messages.text, messages.created_at) as first_message
    from messages
    semi join first_at
        on first_at.conversation_id = messages.conversation_id
       and first_at.first_at = messages.created_at
    where messages.direction = 'inbound'
      and messages.created_at >= (select min(first_at) from first_at)
      and messages.created_at <= (select max(first_at) from first_at)
    group by messages.conversation_id
),

final as (
    select
        page.conversation_id,
        page.brand,
        page.channel,
        page.started_at,
        page.customer_id,
        page.answered,
        page.frt_minutes,
        page.first_response_minutes,
        page.first_response_business_minutes,
        page.moved_to_dm,
        page.inbound_count,
        page.outbound_count,
        page.first_sentiment,
        page.last_sentiment,
        page.campaign,
        first_text.first_message,
        page.matching
    from page
    left join first_text using (conversation_id)
)

select * from final
order by started_at desc, conversation_id
