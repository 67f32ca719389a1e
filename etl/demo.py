"""Realistic synthetic "Customer Support on Twitter" data for demos, tests and benchmarks.

    generate(out_dir, rows=100_000, seed=0, brands=6, days=90, start="2026-08-01") -> dict

writes three files into out_dir:

- `twcs.csv`: the public twcs columns (`tweet_id,author_id,inbound,created_at,text,
  response_tweet_id,in_response_to_tweet_id`) plus `author_followers,channel,brand`.
- `carepulse.toml`: SLA targets and each brand's time zone, weekly hours and holidays.
- `events.csv`: the event calendar (`name,brand,start,end,kind,keywords`), including the planted
  campaign and outage.

Knobs:

- `rows`: approximate total rows. Conversation counts are scaled to reach it (a pilot sample
  measures rows per conversation first); volume per day grows, the calendar does not.
- `seed`: same seed and arguments give byte-identical files.
- `brands`: how many of the personas in `etl.demo_text.BRANDS` (1..8) to use.
- `days`, `start`: the window, from `start` 00:00 UTC (at least 14 days, so every planted event
  has a week of history before it).

What is in it: customer-started threads with daily and weekly seasonality in each brand's local
time; brand-specific, heavy-tailed reply latency counted on the brand's business clock (a tweet
sent at night is answered after opening); unanswered threads; follow-ups both ways; DM requests,
off-channel referrals and DM conversations that follow a DM request; agent signatures with
agents of different speeds; high-follower customers answered more often and faster; customer
texts as diverse as real ones (`etl.demo_variety`: ~97-98% of inbound texts distinct at 2.8M
rows, twcs: 99.8%; order numbers, places, devices, times, links, @-mentions, typos), brand
replies with greetings and case numbers (87% distinct without their @handle, twcs: 98%). Planted
events (see `EVENT_SPECS`): a hashtag campaign for brand 0, an outage burst for brand 1 (with
slower care), an app launch for brand 2 and a price change for brand 3.

How: plan (intensity per brand-hour, business clocks, text pools) -> per block of hours: sample
conversations -> thread them (shapes, cases, times) -> add DM follow-ups -> flatten -> render CSV
bytes with pyarrow kernels (a body per case, dressed per row by etl.demo_variety) -> append to
the file. Everything is vectorized; memory is bounded by
one block (CHUNK_CONVERSATIONS).
"""
import csv
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl import demo_text as T
from etl import demo_variety as V

HEADER = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id," \
         "author_followers,channel,brand\n"
SLA_TARGETS = (15, 60, 240, 1440)
CHUNK_CONVERSATIONS = 150_000
PILOT_CONVERSATIONS = 10_000
MARGIN_DAYS = 30              # business clocks run this far past the window (late replies)
MAX_LATENCY = 4_000           # business minutes; caps the lognormal tail
FIRST_CUSTOMER_ID = 100_000
REGULAR_SHARE = 0.3           # conversations by repeat customers
DM_FOLLOW_SHARE = 0.55        # DM requests followed by an actual DM conversation
SIGNED_SHARE = 0.9            # brand replies that carry the agent signature (signing brands)
INFLUENCER = 10_000           # followers from which care answers more often and faster

# Customer activity by local hour (0-23) and weekday (Mon-Sun).
HOURLY = np.array([0.30, 0.18, 0.12, 0.09, 0.09, 0.14, 0.30, 0.55, 0.85, 1.05, 1.15, 1.20,
                   1.22, 1.18, 1.12, 1.08, 1.05, 1.05, 1.10, 1.15, 1.10, 0.95, 0.72, 0.48])
WEEKLY = np.array([1.10, 1.05, 1.0, 1.0, 0.95, 0.72, 0.66])
KIND = {k: i for i, k in enumerate(T.KINDS)}
UNANSWERED_FACTOR = np.array([1.0, 0.8, 1.7, 1.0, 1.1, 0.0])   # by kind
REDIRECT_FACTOR = np.array([1.0, 0.4, 0.3, 0.6, 0.8, 0.0])     # by kind

# brand: index into the personas; day: fraction of the window; hour: local start; lift: volume
# multiple over the usual for that hour (the outage: extra volume as a multiple of the usual rate);
# slowdown: reply latency multiple for that brand while it runs.
EVENT_SPECS = (
    dict(kind="campaign", text="campaign", brand=0, name="{short} Mega Deal", day=0.5, hour=0.0,
         hours=96, lift=2.5, slowdown=1.3, keywords="{camp_tag};Mega Deal"),
    dict(kind="outage", text="outage", brand=1, name="{short} network outage", day=0.62,
         hour=14 + 10 / 60, hours=3.5, lift=12.0, slowdown=4.0,
         keywords="{out_tag};outage;down;no signal;can't log in"),
    dict(kind="launch", text="launch", brand=2, name="{short} app 5 launch", day=0.25, hour=9.0,
         hours=72, lift=1.5, slowdown=1.0, keywords="{launch_tag};new app"),
    dict(kind="price change", text="price", brand=3, name="{short} new monthly fee", day=0.8,
         hour=6.0, hours=120, lift=1.6, slowdown=1.2, keywords="{price_tag};new fees;monthly fee"),
)


def tags(brand):
    """The per-brand values filled into text templates and event keywords."""
    short = brand["short"]
    return dict(short=short, domain=f"{short.lower()}.example", camp_tag=f"#{short}MegaDeal",
                out_tag=f"#{short}Down", launch_tag=f"#{short}App5", price_tag=f"#{short}Fees")


def _shape_tables():
    n, width = len(T.SHAPES), max(map(len, T.SHAPES))
    role, parent, anchor = (np.full((n, width), -1, np.int64) for _ in range(3))
    child = np.full((n, width, 2), -1, np.int64)
    for s, shape in enumerate(T.SHAPES):
        for p, (name, par) in enumerate(shape):
            role[s, p], parent[s, p] = ROLE[name], par
            anchor[s, p] = p - 1 if name == "bextra" else par
            if par >= 0:
                child[s, par, int((child[s, par] >= 0).sum())] = p
    length = np.array([len(s) for s in T.SHAPES])
    return dict(role=role, parent=parent, anchor=anchor, child=child, length=length)


def _table(dists, width):
    """{case name: p} distributions -> (case ids, cumulative p), padded to width (pads never
    drawn: their cumulative p is 2)."""
    out = np.zeros((len(dists), width), np.int64)
    cum = np.full((len(dists), width), 2.0)
    for i, dist in enumerate(dists):
        out[i] = CASE[list(dist)[-1]]
        out[i, :len(dist)] = [CASE[k] for k in dist]
        cum[i, :len(dist)] = np.cumsum(list(dist.values())) / sum(dist.values())
        cum[i, len(dist) - 1] = 1.0
    return out, cum


ROLE = {r: i for i, r in enumerate(T.ROLES)}
CASE = {c: i for i, c in enumerate(T.CASES)}
INBOUND = np.array([ROLE[r] for r in T.INBOUND_ROLES])
BRAND_ROLES = np.array([ROLE[r] for r in ("bfirst", "bfollow", "dbrand")])
SHAPE = _shape_tables()
_WIDTH = max(len(d) for d in [*T.NEXT.values(), *T.FIRST.values()])
FIRST_CASE, FIRST_CUM = _table([T.FIRST[k] for k in T.KINDS], _WIDTH)
NEXT_CASE, NEXT_CUM = (a.reshape(len(CASE), len(ROLE), _WIDTH) for a in _table(
    [T.NEXT.get((c, r)) or T.NEXT.get(("*", r)) or {c: 1.0} for c in T.CASES for r in T.ROLES],
    _WIDTH))
CASE_TONE = V.tone_of_case(T.CASES)    # 0/1/2 neg/neutral/pos customer case, V.BRAND brand
REDIRECTABLE = np.isin(np.arange(len(CASE)), [CASE[c] for c in T.REDIRECTABLE])
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class Plan:
    brands: tuple
    start: pd.Timestamp
    days: int
    seed: int
    events: list
    clock: dict              # business clocks and schedules (see business_clocks)
    lam: np.ndarray          # expected new conversations per (public kind, brand, UTC hour)
    text: dict               # fragment strings and lookup tables (see build_text)
    scale: float = 1.0       # multiplies lam to reach the requested rows
    regulars: int = 100      # size of the repeat-customer pool


def generate(out_dir, rows=100_000, seed=0, brands=6, days=90, start="2026-08-01"):
    """Write twcs.csv, carepulse.toml and events.csv into out_dir; return paths and counts."""
    began = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plan = make_plan(rows, seed, brands, days, start)
    counts = write_twcs(plan, out / "twcs.csv")
    write_config(plan, out / "carepulse.toml")
    write_events(plan, out / "events.csv")
    seconds = time.perf_counter() - began
    return dict(twcs=str(out / "twcs.csv"), config=str(out / "carepulse.toml"),
                events=str(out / "events.csv"), brands=[b["handle"] for b in plan.brands],
                days=days, start=str(plan.start.date()), seed=seed,
                events_planted=[e["name"] for e in plan.events], seconds=round(seconds, 3),
                rows_per_second=round(counts["rows"] / max(seconds, 1e-9)), **counts)


# ---------------------------------------------------------------- plan

def make_plan(rows, seed, n_brands, days, start):
    """Everything fixed before sampling: brands, events, clocks, intensity, text, scale."""
    if not 1 <= n_brands <= len(T.BRANDS) or days < 14:
        raise ValueError(f"need 1 <= brands <= {len(T.BRANDS)} and days >= 14")
    brands = T.BRANDS[:n_brands]
    start = pd.Timestamp(start).tz_localize(None).normalize().tz_localize("UTC")
    offsets = utc_offsets(brands, start, days + MARGIN_DAYS)
    events = place_events(brands, start, days)
    clock = business_clocks(brands, start, days, offsets)
    lam = intensity(brands, start, days, offsets, events, np.random.default_rng([seed, 7919]))
    plan = Plan(brands, start, days, seed, events, clock, lam, build_text(brands, start, days))
    calibrate(plan, rows)
    return plan


def utc_offsets(brands, start, days):
    """Minutes to add to UTC for local time, per brand and UTC hour."""
    hours = pd.date_range(start, periods=days * 24, freq="h")
    naive = hours.tz_localize(None)
    return np.stack([(hours.tz_convert(b["tz"]).tz_localize(None) - naive).total_seconds()
                     .to_numpy().astype(np.int64) // 60 for b in brands])


def local_minutes(start, offsets, minutes):
    """Local wall-clock minutes since 1970-01-01 for UTC minutes since start."""
    return start.value // 60_000_000_000 + minutes + offsets[minutes // 60]


def epoch_day(date):
    return pd.Timestamp(date).value // 86_400_000_000_000


def place_events(brands, start, days):
    """Each EVENT_SPECS entry whose brand exists, at a local time inside the window."""
    events = []
    for spec in EVENT_SPECS:
        if spec["brand"] >= len(brands):
            continue
        brand, fill = brands[spec["brand"]], tags(brands[spec["brand"]])
        day = min(max(8, round(days * spec["day"])), days - int(np.ceil(spec["hours"] / 24)) - 1)
        local = start.tz_localize(None) + pd.Timedelta(days=day, minutes=round(spec["hour"] * 60))
        begin = local.tz_localize(brand["tz"]).tz_convert("UTC")
        end = begin + pd.Timedelta(minutes=round(spec["hours"] * 60))
        events.append({**spec, "name": spec["name"].format(**fill), "handle": brand["handle"],
                       "keywords": spec["keywords"].format(**fill), "start": begin, "end": end,
                       "t0": (begin - start).total_seconds() / 60,
                       "t1": (end - start).total_seconds() / 60})
    return events


def schedules(brand, start, days):
    """Schedule versions [(effective_from, {day: "HH:MM-HH:MM"}, holidays)]; a brand's
    later_hours start 2/3 into the window. Holidays: the brand's month-days in each year."""
    years = range(start.year, (start + pd.Timedelta(days=days + MARGIN_DAYS)).year + 1)
    holidays = sorted(f"{y}-{md}" for y in years for md in brand["holidays"])
    versions = [(f"{start.year}-01-01", brand["hours"], holidays)]
    if brand.get("later_hours"):
        switch = (start + pd.Timedelta(days=round(days * 2 / 3))).date()
        versions.append((str(switch), {**brand["hours"], **brand["later_hours"]}, holidays))
    return versions


def open_minutes(versions, start, offsets):
    """Whether the brand is open in each UTC minute from start (holidays closed)."""
    local = local_minutes(start, offsets, np.arange(offsets.size * 60))
    day, minute = local // 1440, local % 1440
    weekday = (day + 3) % 7
    is_open = np.zeros(local.size, bool)
    for effective, hours, holidays in versions:
        spans = [hours.get(d, "00:00-00:00").split("-") for d in DAY_NAMES]
        lo, hi = (np.array([int(s[i][:2]) * 60 + int(s[i][3:]) for s in spans]) for i in (0, 1))
        now = (minute >= lo[weekday]) & (minute < hi[weekday])
        now &= ~np.isin(day, [epoch_day(h) for h in holidays])
        is_open = np.where(day >= epoch_day(effective), now, is_open)
    return is_open


def business_clocks(brands, start, days, offsets):
    """Per brand: open minutes, cumulative open minutes, and one flat array to search them all."""
    versions = [schedules(b, start, days) for b in brands]
    is_open = np.stack([open_minutes(v, start, o) for v, o in zip(versions, offsets)])
    n = is_open.shape[1]
    cum = np.zeros((len(brands), n + 1))
    cum[:, 1:] = np.cumsum(is_open, axis=1)
    flat = (cum[:, 1:] + np.arange(len(brands))[:, None] * (n + 1)).ravel()
    return dict(open=is_open, cum=cum, flat=flat, n=n, schedules=versions)


def business_add(clock, brand, at, minutes):
    """The instant `minutes` of open time after `at` (minutes since start), per brand."""
    n = clock["n"]
    m = np.clip(at.astype(np.int64), 0, n - 1)
    target = clock["cum"][brand, m] + clock["open"][brand, m] * (at - m) + minutes
    i = np.searchsorted(clock["flat"], target + brand * (n + 1), side="right")
    reached = np.clip(i - brand * n, 0, n - 1)
    return reached + np.clip(target - clock["cum"][brand, reached], 0, 1)


def intensity(brands, start, days, offsets, events, rng):
    """Expected conversations per (kind, brand, hour) before scaling, events included."""
    hours = np.arange(days * 24)
    lam = np.zeros((len(T.KINDS) - 1, len(brands), hours.size))
    for b, brand in enumerate(brands):
        local = local_minutes(start, offsets[b], hours * 60)
        noise = rng.lognormal(0.0, 0.08, days)[hours // 24]
        lam[0, b] = brand["volume"] * HOURLY[local // 60 % 24] * WEEKLY[(local // 1440 + 3) % 7]
        lam[0, b] *= noise
    for ev in events:
        h0, h1, b = int(np.ceil(ev["t0"] / 60)), int(ev["t1"] // 60), ev["brand"]
        if ev["kind"] == "outage":
            ev["lam"] = ev["lift"] * lam[0, b, h0 - 1:h1 + 1].mean() * ev["hours"]
        else:
            lam[KIND[ev["text"]], b, h0:h1] = (ev["lift"] - 1) * lam[0, b, h0:h1]
    return lam


def calibrate(plan, rows):
    """Set plan.scale so the output has about `rows` rows (measured on a pilot sample)."""
    total = plan.lam.sum() + sum(e.get("lam", 0.0) for e in plan.events)
    plan.scale, plan.regulars = PILOT_CONVERSATIONS / total, 1000
    state = new_state(plan)
    rng = np.random.default_rng([plan.seed, 104729])
    pilot = build_block(plan, 0, plan.days * 24, rng, state)
    per_conversation = pilot["tweet_id"].size / max(pilot["stats"]["conversations"], 1)
    conversations = rows / per_conversation
    plan.scale = conversations / total
    plan.regulars = max(100, int(conversations * 0.04))


def build_text(brands, start, days):
    """String pools the renderer picks from by index (see render)."""
    bodies, where, topics = message_bodies(brands)
    # each body in its len(V.VARIANTS) variants: body i, variant v at i * len(V.VARIANTS) + v
    variants = [v for text, inbound in bodies for v in V.body_variants(text, inbound, 7)]
    sig = [(" " + b["signature"].format(agent=b["agents"][a % len(b["agents"])]))
           if b["signature"] else "" for b in brands for a in range(len(T.AGENT_SPEEDS))]
    minute, second, year = clock_strings(start, days + MARGIN_DAYS)
    return dict(
        bodies=pa.array([t.replace('"', '""') for t in variants]),
        quoted=np.array([bool(_NEEDS_QUOTES.search(t)) for t in variants]), where=where,
        ends_punct=np.array([not t[-1:].isalnum() for t in variants]),
        topics=topics, variety=V.build(),
        mention=pa.array([f"@{b['handle']} " for b in brands]),
        lead=pa.array(["", '"', "@", '"@']),
        tail=pa.array([(s if signed else "") + q for s in sig for signed in (0, 1)
                       for q in ("", '"')]),
        authors=pa.array([b["handle"] for b in brands]),
        inbound=pa.array([",False,", ",True,"]),
        ends=pa.array([f",{ch},{b['handle']}\n" for b in brands for ch in ("public", "dm")]),
        followers=np.array([b["followers"] for b in brands]),
        minute=minute, second=second, year=year,
        pair=pa.array(["", '"']), comma=pa.array(["", ","]))


_NEEDS_QUOTES = re.compile('[",\r\n]')


def message_bodies(brands):
    """Every message body per (case, brand, topic): each combination of the case's fragments,
    led by a space (brand tweets, after "@<customer>") or nothing (customer tweets, whose brand
    mention render adds, and DMs). Returns the bodies as (text, is a customer's), where[case,
    brand, topic] = (offset, count) and topics[case, brand] = how many topics the case has for
    that brand (1 if it has none)."""
    families = {f"@{field}": family for family, fields in T.TOPIC_FAMILIES.items()
                for field in fields}
    width = max(len(v) for sector in T.SECTORS.values() for v in sector.values())
    bodies = []
    where = np.zeros((len(CASE), len(brands), width, 2), np.int64)
    topics = np.ones((len(CASE), len(brands)), np.int64)
    for b, brand in enumerate(brands):
        pools = {k: [t.format(**tags(brand)) for t in v] for k, v in T.POOLS.items()}
        sector = T.SECTORS[brand["sector"]]
        for c, name in enumerate(T.CASES):
            family = next((families[p] for p in T.CASES[name] if p in families), None)
            topics[c, b] = len(sector[family]) if family else 1
            lead = " " if name[0] == "b" else ""
            inbound = name in V.TONE
            for k in range(topics[c, b]):
                topic = {f"@{f}": v for f, v in sector[family][k].items()} if family else {}
                parts = product(*({**pools, **topic}[p] for p in T.CASES[name]))
                combos = [(lead + "".join(words), inbound) for words in parts]
                where[c, b, k] = len(bodies), len(combos)
                bodies.extend(combos)
    return bodies, where, topics


def clock_strings(start, days):
    """'Sat Aug 01 00:11:' for every minute from start, '33 +0000 2026' per (year, second), and
    each day's year as an index into the latter."""
    dates = pd.date_range(start, periods=days, freq="D")
    prefix = pa.array(list(dates.strftime("%a %b %d ")), pa.string())
    hhmm = pa.array([f"{m // 60:02d}:{m % 60:02d}:" for m in range(1440)])
    minutes = np.arange(days * 1440)
    minute = pc.binary_join_element_wise(prefix.take(minutes // 1440),
                                         hhmm.take(minutes % 1440), "")
    years = range(start.year, dates[-1].year + 1)
    second = pa.array([f"{s:02d} +0000 {y}" for y in years for s in range(60)])
    return minute, second, np.asarray(dates.year - start.year)


def brand_values(plan, key):
    return np.array([b[key] for b in plan.brands])


# ---------------------------------------------------------------- sample and thread

def hour_blocks(plan):
    """Consecutive hour ranges holding about CHUNK_CONVERSATIONS conversations each."""
    per_hour = plan.lam.sum(axis=(0, 1)) * plan.scale
    block = (np.cumsum(per_hour) // CHUNK_CONVERSATIONS).astype(np.int64)
    bounds = [0, *(np.flatnonzero(np.diff(block)) + 1), per_hour.size]
    return list(zip(bounds[:-1], bounds[1:]))


def new_state(plan):
    """What carries over from block to block: the next tweet id and customer ids."""
    return dict(next_id=1, next_customer=FIRST_CUSTOMER_ID + plan.regulars,
                regulars_seen=np.zeros(plan.regulars, bool))


def build_block(plan, h0, h1, rng, state):
    """Rows (flat arrays) for the conversations that start in hours [h0, h1)."""
    public = thread(plan, sample_conversations(plan, h0, h1, rng, state), rng)
    private = thread(plan, dm_conversations(public, rng), rng)
    return flatten([public, private], state)


def sample_conversations(plan, h0, h1, rng, state):
    """Customer-started conversations: kind, brand, start minute and customer, by start time."""
    lam = plan.lam[:, :, h0:h1] * plan.scale
    cell = np.repeat(np.arange(lam.size), rng.poisson(lam).ravel())
    kind, brand, hour = np.unravel_index(cell, lam.shape)
    t0 = (h0 + hour + rng.random(cell.size)) * 60.0
    for ev in plan.events:
        if ev["kind"] == "outage" and h0 <= ev["t0"] // 60 < h1:
            n = rng.poisson(ev["lam"] * plan.scale)
            kind = np.concatenate([kind, np.full(n, KIND["outage"])])
            brand = np.concatenate([brand, np.full(n, ev["brand"])])
            t0 = np.concatenate([t0, ev["t0"] + (ev["t1"] - ev["t0"]) * rng.beta(1.3, 2.6, n)])
    order = np.argsort(t0, kind="stable")
    return dict(kind=kind[order], brand=brand[order], t0=t0[order],
                customer=pick_customers(plan, rng, state, t0.size), topic=rng.random(t0.size))


def pick_customers(plan, rng, state, n):
    """Mostly first-time customers (new ids), some regulars from a skewed pool."""
    regular = rng.random(n) < REGULAR_SHARE
    ids = np.empty(n, np.int64)
    pool = (plan.regulars * rng.random(regular.sum()) ** 3).astype(np.int64)
    state["regulars_seen"][pool] = True
    ids[regular] = FIRST_CUSTOMER_ID + pool
    ids[~regular] = state["next_customer"] + np.arange(n - regular.sum())
    state["next_customer"] += n - int(regular.sum())
    return ids


def followers_of(customer, seed):
    """Heavy-tailed follower count, a fixed function of (customer, seed)."""
    x = _mix(customer.astype(np.uint64) + np.uint64(seed * 0x9E3779B97F4A7C15 % 2 ** 64))
    u1 = ((x >> np.uint64(11)).astype(np.float64) + 0.5) / 2.0 ** 53
    u2 = (_mix(x) >> np.uint64(11)).astype(np.float64) / 2.0 ** 53
    z = np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * u2)
    return np.exp(np.log(120) + 1.9 * z).astype(np.int64)


def _mix(x):
    """splitmix64 finalizer (wrapping uint64 arithmetic)."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def dm_conversations(public, rng):
    """A DM conversation soon after some public DM requests, same brand, customer and agent."""
    asked = public["case"] == CASE["b_dm"]
    c = np.flatnonzero(asked.any(axis=1) & (rng.random(asked.shape[0]) < DM_FOLLOW_SHARE))
    t0 = public["time"][c, asked[c].argmax(axis=1)] + 12 * np.exp(rng.standard_normal(c.size))
    order = np.argsort(t0, kind="stable")
    c = c[order]
    return dict(kind=np.full(c.size, KIND["dm"]), brand=public["brand"][c], t0=t0[order],
                customer=public["customer"][c], agent=public["agent"][c],
                topic=public["topic"][c])


def thread(plan, conv, rng):
    """Give each conversation a shape, an agent, message cases and message times."""
    conv = dict(conv, followers=followers_of(conv["customer"], plan.seed))
    conv.setdefault("agent", pick_agents(plan, conv["brand"], rng))
    conv["shape"] = pick_shapes(plan, conv, rng)
    conv["case"] = pick_cases(plan, conv, rng)
    conv["time"] = pick_times(plan, conv, rng)
    return conv


def draw(outcomes, cum, u):
    """Row-wise categorical draw: outcomes[i, k] where cum[i, k-1] <= u[i] < cum[i, k]."""
    k = np.minimum((u[:, None] >= cum).sum(axis=1), outcomes.shape[1] - 1)
    return outcomes[np.arange(u.size), k]


def pick_agents(plan, brand, rng):
    agents = np.array([len(b["agents"]) for b in plan.brands])[brand]
    weights = np.array(T.AGENT_WEIGHTS)
    cum = np.cumsum(weights) / np.cumsum(weights)[agents - 1][:, None]
    return np.minimum((rng.random(brand.size)[:, None] >= cum).sum(axis=1), agents - 1)


def pick_shapes(plan, conv, rng):
    """Unanswered or answered thread shapes (brand- and kind-specific), DM shapes for DMs."""
    brand, kind, n = conv["brand"], conv["kind"], conv["brand"].size
    unanswered = brand_values(plan, "unanswered")[brand] * UNANSWERED_FACTOR[kind]
    unanswered = np.where(conv["followers"] >= INFLUENCER, unanswered * 0.4, unanswered)
    u = rng.random(n)
    shape = np.where(rng.random(n) < unanswered, _pick(T.UNANSWERED_SHAPES, u),
                     _pick(T.ANSWERED_SHAPES, u))
    return np.where(kind == KIND["dm"], _pick(T.DM_SHAPES, u), shape)


def _pick(mix, u):
    """Draw from a {shape: p} mix with uniforms u."""
    cum = np.cumsum(list(mix.values())) / sum(mix.values())
    return np.array(list(mix))[np.minimum(np.searchsorted(cum, u, side="right"), len(mix) - 1)]


def pick_cases(plan, conv, rng):
    """Message cases: the opener from the conversation kind, each reply from its parent."""
    shape, n = conv["shape"], conv["shape"].size
    role, parent = SHAPE["role"][shape], SHAPE["parent"][shape]
    case = np.full(role.shape, -1, np.int64)
    case[:, 0] = draw(FIRST_CASE[conv["kind"]], FIRST_CUM[conv["kind"]], rng.random(n))
    for p in range(1, role.shape[1]):
        live = np.flatnonzero(role[:, p] >= 0)
        up, r = case[live, parent[live, p]], role[live, p]
        picked = draw(NEXT_CASE[up, r], NEXT_CUM[up, r], rng.random(live.size))
        case[live, p] = redirect(plan, conv, live, up, r, picked, rng)
    return case


def redirect(plan, conv, live, up, role, case, rng):
    """Brand first replies that ask for a DM or send the customer to phone/email/web form."""
    brand, kind = conv["brand"][live], conv["kind"][live]
    ok = (role == ROLE["bfirst"]) & REDIRECTABLE[up]
    p_dm = brand_values(plan, "p_dm")[brand] * REDIRECT_FACTOR[kind]
    p_off = brand_values(plan, "p_off")[brand] * REDIRECT_FACTOR[kind]
    u = rng.random(live.size)
    case = np.where(ok & (u < p_dm), CASE["b_dm"], case)
    return np.where(ok & (u >= p_dm) & (u < p_dm + p_off), CASE["b_off"], case)


def pick_times(plan, conv, rng):
    """Message times (minutes since start), each after its anchor message."""
    role, anchor = SHAPE["role"][conv["shape"]], SHAPE["anchor"][conv["shape"]]
    times = np.full(role.shape, np.nan)
    times[:, 0] = conv["t0"]
    median = (brand_values(plan, "median_min")[conv["brand"]]
              * np.array(T.AGENT_SPEEDS)[conv["agent"]]
              * np.where(conv["followers"] >= INFLUENCER, 0.5, 1.0))
    for p in range(1, role.shape[1]):
        live = np.flatnonzero(role[:, p] >= 0)
        at = times[live, anchor[live, p]]
        times[live, p] = at + delays(plan, conv, live, role[live, p], at, median[live], rng)
    return times


def delays(plan, conv, live, role, at, median, rng):
    """Customer delays on the calendar clock, brand delays on the brand's business clock."""
    z = rng.standard_normal(at.size)
    out = np.where(role == ROLE["nudge"], 45 * np.exp(z), 6 * np.exp(1.3 * z))
    out = np.where(role == ROLE["bextra"], 0.3 + 2.2 * rng.random(at.size), out)
    brand_reply = np.flatnonzero(np.isin(role, BRAND_ROLES))
    follow_up = np.where(role[brand_reply] == ROLE["bfirst"], 1.0, 0.7)
    out[brand_reply] = reply_delay(plan, conv["brand"][live[brand_reply]], at[brand_reply],
                                   median[brand_reply] * follow_up, rng)
    return out


def reply_delay(plan, brand, at, median, rng):
    """Lognormal business-time latency, slower during events, plus the overnight queue."""
    latency = median * np.exp(brand_values(plan, "sigma")[brand] * rng.standard_normal(at.size))
    for ev in plan.events:
        during = (brand == ev["brand"]) & (at >= ev["t0"]) & (at < ev["t1"] + 60)
        latency = np.where(during, latency * ev["slowdown"], latency)
    closed = ~plan.clock["open"][brand, np.clip(at.astype(np.int64), 0, plan.clock["n"] - 1)]
    latency = np.minimum(latency, MAX_LATENCY) + closed * 120 * rng.random(at.size)
    return business_add(plan.clock, brand, at, latency) - at


def flatten(threads, state):
    """One row per message, in conversation order, with tweet ids and parent/child ids."""
    parts = [flatten_thread(th, state) for th in threads]
    rows = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    answered = np.isin(threads[0]["shape"], list(T.ANSWERED_SHAPES))
    rows["stats"] = dict(conversations=threads[0]["shape"].size, rows=rows["tweet_id"].size,
                         dm_conversations=threads[1]["shape"].size,
                         unanswered=int((~answered).sum()))
    return rows


def flatten_thread(th, state):
    length = SHAPE["length"][th["shape"]]
    conv = np.repeat(np.arange(length.size), length)
    first = np.repeat(np.cumsum(length) - length, length)
    pos = np.arange(conv.size) - first
    shape = th["shape"][conv]
    first_id = state["next_id"] + first
    state["next_id"] += conv.size
    parent, child = SHAPE["parent"][shape, pos], SHAPE["child"][shape, pos]
    rows = {k: th[k][conv] for k in ("brand", "kind", "customer", "followers", "agent", "topic")}
    return dict(rows, role=SHAPE["role"][shape, pos], case=th["case"][conv, pos],
                time=th["time"][conv, pos], tweet_id=first_id + pos,
                parent_id=np.where(parent >= 0, first_id + parent, -1),
                child1_id=np.where(child[:, 0] >= 0, first_id + child[:, 0], -1),
                child2_id=np.where(child[:, 1] >= 0, first_id + child[:, 1], -1))


# ---------------------------------------------------------------- render and write

def write_twcs(plan, path):
    """Generate block by block; a writer thread appends each block's CSV bytes while the next
    block is generated. Returns the counts."""
    state = new_state(plan)
    totals = dict(rows=0, conversations=0, dm_conversations=0, unanswered=0)
    with open(path, "wb") as out, ThreadPoolExecutor(max_workers=1) as writer:
        pending = writer.submit(out.write, HEADER.encode())
        for block, (h0, h1) in enumerate(hour_blocks(plan)):
            rng = np.random.default_rng([plan.seed, block])
            rows = build_block(plan, h0, h1, rng, state)
            data = render(plan, rows, rng)
            pending.result()
            pending = writer.submit(out.write, data)
            for key in totals:
                totals[key] += rows["stats"][key]
        pending.result()
    new = state["next_customer"] - FIRST_CUSTOMER_ID - plan.regulars
    totals["customers"] = int(new + state["regulars_seen"].sum())
    return dict(totals, bytes=Path(path).stat().st_size)


def render(plan, rows, rng):
    """The rows as twcs CSV lines (utf-8 bytes): one join over pieces taken from small pools."""
    txt, brand, n = plan.text, rows["brand"], rows["brand"].size
    inbound = np.isin(rows["role"], INBOUND)
    dm = rows["kind"] == KIND["dm"]
    customer = _digits(rows["customer"])
    case = rows["case"]
    topic = (rows["topic"] * txt["topics"][case, brand]).astype(np.int64)
    offset, count = txt["where"][case, brand, topic].T
    body = offset + (rng.random(n) * count).astype(np.int64)
    signed = ~inbound & (rng.random(n) < SIGNED_SHARE)
    body = body * len(V.VARIANTS) + V.pick_variant(rng, inbound)
    extras, quoted_extra = V.dress(txt["variety"], rng, CASE_TONE[case], ~dm, rows["customer"],
                                   txt["ends_punct"][body])
    quoted = txt["quoted"][body] | quoted_extra
    two = rows["child2_id"] >= 0
    seconds = np.clip((rows["time"] * 60).astype(np.int64), 0, len(txt["minute"]) * 60 - 1)
    year = txt["year"][seconds // 86400]
    pieces = [
        _digits(rows["tweet_id"]), ",",
        pc.if_else(pa.array(inbound), customer, txt["authors"].take(brand)),
        txt["inbound"].take(inbound.astype(np.int64)),
        txt["minute"].take(seconds // 60), txt["second"].take(year * 60 + seconds % 60), ",",
        txt["lead"].take(quoted + 2 * (~inbound & ~dm)),
        pc.if_else(pa.array(inbound | dm), "", customer),
        pc.if_else(pa.array(inbound & ~dm), txt["mention"].take(brand), ""),
        extras[0],
        txt["bodies"].take(body),
        *extras[1:],
        txt["tail"].take(((brand * len(T.AGENT_SPEEDS) + rows["agent"]) * 2 + signed) * 2 + quoted),
        ",", txt["pair"].take(two.astype(np.int64)), _digits(rows["child1_id"]),
        txt["comma"].take(two.astype(np.int64)), _digits(rows["child2_id"]),
        txt["pair"].take(two.astype(np.int64)), ",", _digits(rows["parent_id"]), ",",
        _digits(np.where(inbound, rows["followers"], txt["followers"][brand])),
        txt["ends"].take(brand * 2 + dm),
    ]
    return _data_bytes(pc.binary_join_element_wise(*pieces, ""))


def _digits(values):
    """Integers as text; negative means missing and becomes an empty field."""
    text = pa.array(values).cast(pa.string())
    missing = values < 0
    return pc.if_else(pa.array(missing), "", text) if missing.any() else text


def _data_bytes(lines):
    """The concatenated bytes of a string array, without copying it string by string."""
    offsets = np.frombuffer(lines.buffers()[1], np.int32)
    offsets = offsets[lines.offset:lines.offset + len(lines) + 1]
    return memoryview(lines.buffers()[2])[offsets[0]:offsets[-1]]


def write_config(plan, path):
    """carepulse.toml: SLA targets and each brand's time zone, schedule versions and holidays."""
    lines = ["# CarePulse demo configuration, written by etl.demo", "[sla]",
             f"targets_minutes = [{', '.join(map(str, SLA_TARGETS))}]", ""]
    for brand, versions in zip(plan.brands, plan.clock["schedules"]):
        handle = brand["handle"]
        lines += [f"[brands.{handle}]", f'timezone = "{brand["tz"]}"', ""]
        for effective, hours, holidays in versions:
            lines += [f"[[brands.{handle}.schedule]]", f'effective_from = "{effective}"']
            lines += [f'{day} = "{hours[day]}"' for day in DAY_NAMES if day in hours]
            lines += [f"holidays = [{', '.join(f'{chr(34)}{h}{chr(34)}' for h in holidays)}]", ""]
    Path(path).write_text("\n".join(lines), encoding="utf-8")


def write_events(plan, path):
    """events.csv: the planted events with ISO-8601 UTC times and ';'-separated keywords."""
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["name", "brand", "start", "end", "kind", "keywords"])
        for ev in sorted(plan.events, key=lambda e: e["t0"]):
            writer.writerow([ev["name"], ev["handle"], _iso(ev["start"]), _iso(ev["end"]),
                             ev["kind"], ev["keywords"]])


def _iso(ts):
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")
