-- lexicon_cache_digest.sql: one row: the digest of the sources the stored sentiment lexicon
-- frames were built from (etl/lexicon_cache.py), NULL when none is recorded. params: none
select max(value) as digest
from meta
where key = 'sentiment_lexicon_digest'
