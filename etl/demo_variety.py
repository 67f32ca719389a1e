"""Per-message variety for the demo's texts, customers' and brands' (see `etl.demo.render`).

Real customers write one-off tweets: in the first 5,000 rows of twcs, 99.8% of the inbound texts
are distinct, they average 108 characters / 18 words, 19% carry a link and 31% mention another
account (`@12345`, anonymised). A body from `etl.demo_text` alone repeats (a few thousand per
brand), so each customer message is dressed, per row, as

    [@Brand ][@cc ]<body, maybe lower-cased, abbreviated or with a typo>[detail][detail][ending][link]

- `DETAILS`: clauses with one slot ({num:lo-hi}, {place}, {device}, {day}, {clock}, {name},
  {relative}, {thing}) that customers add: order and case numbers, where, when, on what, how long.
  Chosen by the message's tone (`TONE`), so a complaint gets "tried 4 times already" and praise
  "shoutout to Priya", and the sentiment mix of the bodies stays what it was.
- `ENDINGS`: emoji, punctuation and sign-offs, by tone.
- body variants: lower case, txt-speak ("u", "pls", "dont"), one typo; words starting with '@'
  or '#' (brands, campaign and outage tags) and event keywords are never touched.

Brand replies get a greeting with a name after the customer's handle (public) and a detail
before the signature (a case number, a time, a name): in twcs 98% of brand replies are distinct
even without their @handle. DM-request and off-channel wording and signatures are untouched.

Everything is drawn from the block's generator after the rows are fixed, so timings, threads and
cases are the same as without the variety; only texts change. Vectorized: pyarrow `take` on small
pools, numbers cast to text.
"""
from __future__ import annotations

import re
import zlib
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Tone of each customer case (etl.demo_text.CASES); cases not listed are brand messages.
TONE = dict(
    c_issue="neg", c_nudge_neg="neg", c_camp_neg="neg", c_outage="neg", c_launch_neg="neg",
    c_price_neg="neg", c_dm_neg="neg", c_off_neg="neg", c_still="neg", c_outage_more="neg",
    d_first="neg", d_still="neg",
    c_question="neutral", c_nudge="neutral", c_camp_q="neutral", c_launch_q="neutral",
    c_price_q="neutral", c_dm_sent="neutral", c_off_ok="neutral", c_detail="neutral",
    c_ack="neutral", d_detail="neutral",
    c_praise="pos", c_camp_pos="pos", c_launch_pos="pos", c_thanks="pos", c_outage_back="pos",
    c_praise_back="pos", d_thanks="pos",
)
TONES = ("neg", "neutral", "pos")
# Detail pools: the customer tones, then brand replies' details and their greetings.
POOLS = TONES + ("brand", "greeting")
BRAND, GREETING = POOLS.index("brand"), POOLS.index("greeting")

# Share of customer messages that get each piece (twcs_first5000: links 19%, @-mentions 31%).
P_CC = 0.22          # another account mentioned after the brand (public tweets)
P_DETAIL = 0.96      # a first detail clause
P_DETAIL2 = 0.5      # a second one
P_ENDING = 0.5
P_LINK = 0.18
# Brand replies: twcs_first5000 has 98% of them distinct even without the @handle they open with
# (agents write to the person), the templates alone ~0.6%.
P_GREETING = 0.5     # "Hi Sam," after the customer's handle (public replies)
P_BRAND_DETAIL = 0.92  # a reference, a time, a name before the signature
VARIANTS = ("as written", "lower case", "txt-speak", "typo")
VARIANT_P = (0.55, 0.17, 0.14, 0.14)

# A template starting with a space or a comma continues the sentence before it; any other starts
# a sentence of its own (after ". ", or after " " when the text so far ends in punctuation/emoji).
DETAILS = dict(
    neg=[
        "Order #{num:100000-9999999}", ", order {num:10000000-99999999}",
        "Complaint ref {num:1000000-9999999}", "ref {num:100000-999999}",
        "Account ending {num:1000-9999}", "Tried {num:2-9} times already",
        "I've spent {num:20-240} minutes on this", "Been on hold {num:15-95} mins",
        "Since {clock} today", "It started at {clock}", "Happened again at {clock}",
        "This is the {num:3-12}th time I'm asking", "{num:2-6} emails, zero replies",
        " and I'm in {place}", "I'm in {place} btw", ", here in {place}",
        " on my {device}", "Using the {device}", ", tried on my {device} too",
        "Since {day}", "Been this way since {day}", "Still no call back since {day}",
        "Paid ${num:12-900} for this", "That's £{num:10-450} gone", "€{num:9-600} charged",
        "Your agent {name} said it was fixed", "Spoke to {name} and nothing happened",
        "My {relative} has the same problem", "Need it for my {relative}",
        "The {thing} still shows the old status", "Was supposed to get my {thing} {day}",
        "Customer for {num:2-25} years", "{num:3-48} hours now",
        "Ticket {num:100000-999999} still open", "Reported it {day}",
    ],
    neutral=[
        "Order #{num:100000-9999999}", "Order number {num:10000000-99999999}",
        "Account ending {num:1000-9999}", "Ref {num:100000-999999}",
        "I'm in {place}", ", based in {place}", "Travelling to {place} next week",
        "On a {device}", " (using the {device})", "I have the {device}",
        "Asking for my {relative}", "It's for my {relative}", "Booked it {day}",
        "Need it by {day}", "Around {clock} if that helps", "Sent it at {clock}",
        "About the {thing}", "re: my {thing}", "Member since {num:2004-2025}",
        "Spoke to {name} earlier", "{name} told me to ask here",
        "${num:10-500} plan", "Thanks in advance", "Cheers, {name}",
    ],
    pos=[
        "Shoutout to {name}", "{name} was brilliant", "{name} sorted it in minutes",
        "Special thanks to {name}", ", from a happy customer in {place}",
        ", all the way from {place}", "Works perfectly on my {device} now",
        "My {relative} is happy too", "Customer for {num:2-25} years and still impressed",
        "Sorted by {clock}", "The {thing} arrived {day}", "Got it done {day}",
        "Order #{num:100000-9999999} all good", "Ref {num:100000-999999} can be closed",
        "Will tell my {relative}", "Took {num:2-15} minutes", "Cheers from {place}",
    ],
    brand=[
        "Your case number is {num:1000000-9999999}", "Reference: {num:100000-999999}",
        "Ticket #{num:100000-999999}", "(case {num:10000000-99999999})",
        "We'll update you by {clock}", "Expect an update by {clock}",
        "Passed on to our local team in {place}", "I've added a note to order {num:100000-9999999}",
        "Thanks for your patience, {name}", "Have a great day, {name}", "Logged {day}",
        "Your {thing} is flagged for review", "I've checked your {thing}",
        "Let me know how it goes, {name}",
    ],
    greeting=[" Hi {name},", " Hey {name}!", " Hello {name}.", " Thanks {name}!",
              " Hi there {name},", " {name},", " Morning {name}!", " Good evening {name}."],
)
ENDINGS = dict(
    neg=["!", "!!", "!!!", "?!", "...", " 😡", " 😤", " 😒", " 🙄", " 😩", " 🤬", " 😠😠",
         " #fail", " #customerservice", " #annoyed", " smh", " ffs", " seriously", " ugh",
         " 👎", " 😑", " pls fix", " @ me when it's fixed", " not impressed"],
    neutral=["?", "??", " thx", " thanks", " ty", " 🙏", " 🤔", " pls", " please", ":)", " 👍",
             " cheers", " asap pls", " x", " #help", " ta"],
    pos=["!", "!!", " ❤️", " 💙", " 😊", " 🙌", " 👏", " 😍", " 👍", " #happycustomer",
         " ty!", " cheers", " 10/10", " legends", " 🙏", " xx"],
)
SLOT_WORDS = dict(
    place=["London", "Leeds", "Manchester", "Glasgow", "Bristol", "Cardiff", "Dublin", "Paris",
           "Berlin", "Madrid", "Lisbon", "Rome", "Amsterdam", "New York", "Boston", "Chicago",
           "Denver", "Austin", "Seattle", "Portland", "Atlanta", "Miami", "Dallas", "Toronto",
           "Vancouver", "Montreal", "Sydney", "Melbourne", "Brisbane", "Perth", "Tokyo",
           "Osaka", "Kyoto", "the city centre", "the suburbs", "a village near York",
           "Brooklyn", "Queens", "north London", "south Manchester", "the airport", "Heathrow",
           "JFK", "LAX", "O'Hare", "Frankfurt", "Munich", "Hamburg", "Zurich", "Vienna"],
    device=["iPhone 12", "iPhone 13", "iPhone 14", "iPhone 15", "Pixel 6", "Pixel 7", "Pixel 8",
            "Galaxy S21", "Galaxy S22", "Galaxy S23", "Galaxy A52", "OnePlus 9", "iPad",
            "iPad mini", "MacBook", "work laptop", "Windows laptop", "Chromebook", "Fire TV",
            "Roku", "Apple TV", "PS5", "Xbox", "smart TV", "Android tablet", "old Nokia",
            "Huawei P30", "Xperia", "Moto G", "desktop"],
    day=["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
         "yesterday", "last week", "this morning", "last night", "the 3rd", "the 12th",
         "the 21st", "two days ago", "last month", "the weekend", "Friday night"],
    name=["Anna", "Tom", "Priya", "Callum", "Zoe", "Dev", "Sam", "Jess", "Mo", "Kate", "Luis",
          "Aisha", "Ben", "Chloe", "Marc", "Ines", "Owen", "Yuki", "Hannah", "Raj", "Emma",
          "Jack", "Sofia", "Leo", "Nina", "Omar", "Grace", "Ethan", "Mia", "Noah"],
    relative=["mum", "dad", "wife", "husband", "partner", "son", "daughter", "sister",
              "brother", "grandma", "grandad", "flatmate", "boss", "neighbour", "kids"],
    thing=["order", "parcel", "refund", "bill", "booking", "card", "account", "claim",
           "ticket", "delivery", "subscription", "payment", "invoice", "statement", "upgrade"],
    clock=[f"{h % 12 or 12}:{m:02d}{'am' if h < 12 else 'pm'}" for h in range(24)
           for m in range(0, 60, 1)],
)
SLOT = re.compile(r"\{(\w+)(?::(\d+)-(\d+))?\}")

# Txt-speak: whole words only (lower-case match), applied to every occurrence.
ABBREVIATIONS = {"you": "u", "your": "ur", "please": "pls", "thanks": "thx", "don't": "dont",
                 "can't": "cant", "i'm": "im", "it's": "its", "doesn't": "doesnt",
                 "won't": "wont", "for": "4", "to": "2", "are": "r", "because": "cos",
                 "really": "rly", "tomorrow": "tmrw", "message": "msg", "people": "ppl"}
# Event keywords (etl.demo.EVENT_SPECS) a typo must not break: the event's match is on them.
PROTECTED = {"outage", "down", "signal", "mega", "deal", "monthly", "fees", "new"}


def build(rng_seed: int = 20171) -> dict:
    """The pools etl.demo.render draws from: detail templates (prefix, slot, suffix) by tone,
    slot word lists, endings by tone; each flagged when it needs CSV quoting."""
    details, slots = [], {}
    words, spans = [], {}
    for name, values in SLOT_WORDS.items():
        spans[name] = (len(words), len(values))
        words.extend(values)
    where, ending_where, endings = {}, {}, []
    details.append((("", ""), 0, 0, 1, 0))                # index 0: no detail
    endings.append("")                                    # index 0: no ending
    for tone in POOLS:
        where[tone] = (len(details), len(DETAILS[tone]))
        for template in DETAILS[tone]:
            details.append(_template(template, spans))
        ending_where[tone] = (len(endings), len(ENDINGS.get(tone, [])))
        endings.extend(ENDINGS.get(tone, []))
    pre, post = [d[0][0] for d in details], [d[0][1] for d in details]
    texts = pre + post + words + endings
    if any('"' in t or "\n" in t or "\r" in t for t in texts):
        raise ValueError("variety pools may not hold quotes or line breaks")
    return dict(
        pre=pa.array(pre), post=pa.array(post),
        kind=np.array([d[1] for d in details]), lo=np.array([d[2] for d in details]),
        span=np.array([d[3] for d in details]), offset=np.array([d[4] for d in details]),
        quoted=np.array([bool(re.search(",", p + q)) for p, q in zip(pre, post)]),
        sentence=np.array([k > 0 and not p.startswith((" ", ",")) for k, p in enumerate(pre)]),
        words=pa.array(words), word_quoted=np.array(["," in w for w in words]),
        endings=pa.array(endings), ending_quoted=np.array(["," in e for e in endings]),
        where=np.array([where[t] for t in POOLS]),
        ending_where=np.array([ending_where[t] for t in POOLS]),
    )


def _template(template, spans):
    """'. Order #{num:100000-999999}' -> ((prefix, suffix), kind, lo, span, word offset):
    kind 0 = no slot, 1 = a number in [lo, lo + span), 2 = one of `span` words from `offset`."""
    match = SLOT.search(template)
    if match is None:
        return (template, ""), 0, 0, 1, 0
    pre, post = template[:match.start()], template[match.end():]
    name, lo, hi = match.groups()
    if name == "num":
        return (pre, post), 1, int(lo), int(hi) - int(lo) + 1, 0
    offset, count = spans[name]
    return (pre, post), 2, 0, count, offset


def tone_of_case(case_names) -> np.ndarray:
    """Per case (in etl.demo_text.CASES order): 0/1/2 = neg/neutral/pos, BRAND = brand message."""
    return np.array([TONES.index(TONE[c]) if c in TONE else BRAND for c in case_names])


@lru_cache(maxsize=None)
def body_variants(text: str, inbound: bool, seed: int) -> tuple[str, ...]:
    """The four VARIANTS of a body (a brand body: four times itself). Cached: customer bodies
    carry no brand name, so most recur for every brand."""
    if not inbound:
        return (text,) * len(VARIANTS)
    return text, _lower(text), _txt_speak(text), _typo(text, seed)


def _editable(word: str) -> bool:
    return not word.startswith(("@", "#", "http")) and word.lower().strip(".,!?") not in PROTECTED


def _lower(text: str) -> str:
    return " ".join(w.lower() if _editable(w) else w for w in text.split(" "))


def _txt_speak(text: str) -> str:
    out = []
    for word in text.split(" "):
        bare = word.rstrip(".,!?")
        short = ABBREVIATIONS.get(bare.lower()) if _editable(word) else None
        out.append(short + word[len(bare):] if short else word)
    return " ".join(out)


def _typo(text: str, seed: int) -> str:
    """One typo (two letters swapped, one doubled or one dropped) in a word of 5+ letters,
    placed by a hash of the text (the same body always gets the same typo)."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if _editable(w) and re.fullmatch(r"[A-Za-z]{5,}", w)]
    if not candidates:
        return text
    h = zlib.crc32(text.encode(), seed)
    i = candidates[h % len(candidates)]
    w, k = words[i], 1 + (h >> 8) % (len(words[i]) - 2)
    words[i] = [w[:k] + w[k + 1] + w[k] + w[k + 2:], w[:k] + w[k] + w[k:], w[:k] + w[k + 1:]][
        (h >> 16) % 3]
    return " ".join(words)


def pick_variant(rng, inbound: np.ndarray) -> np.ndarray:
    """Which body variant each row uses (brand rows: always 0, as written)."""
    cum = np.cumsum(VARIANT_P)
    v = np.minimum(np.searchsorted(cum, rng.random(inbound.size), side="right"), len(VARIANTS) - 1)
    return np.where(inbound, v, 0)


def dress(pools, rng, tone: np.ndarray, public: np.ndarray, customers: np.ndarray,
          body_punct: np.ndarray):
    """Per row: the pieces of (cc or greeting, detail, detail, ending, link) as string arrays (""
    where absent), for one join with the rest of the line in etl.demo.render, and whether any of
    them needs CSV quoting. tone: tone_of_case of the row's case; body_punct: the row's body ends
    in punctuation or an emoji (a sentence detail then follows after a space, not ". ").
    Customer rows get all pieces; brand rows a greeting (public) and one detail."""
    n, inbound = tone.size, tone < BRAND
    cc = _cc(rng, inbound & public & (rng.random(n) < P_CC), customers)
    greet, qg = _detail(pools, rng, np.full(n, GREETING),
                        ~inbound & public & (rng.random(n) < P_GREETING), body_punct)
    lead = pc.if_else(pa.array(inbound), cc, pc.binary_join_element_wise(*greet, ""))
    has_first = rng.random(n) < np.where(inbound, P_DETAIL, P_BRAND_DETAIL)
    first, q1 = _detail(pools, rng, tone, has_first, body_punct)
    second, q2 = _detail(pools, rng, tone, inbound & (rng.random(n) < P_DETAIL2),
                         body_punct & ~has_first)
    has_end = inbound & (rng.random(n) < P_ENDING)
    offset, count = pools["ending_where"][tone].T
    ending = np.where(has_end, offset + (rng.random(n) * count).astype(np.int64), 0)
    link = _links(rng, inbound & (rng.random(n) < P_LINK))
    quoted = qg | q1 | q2 | pools["ending_quoted"][ending]
    return [lead, *first, *second, pools["endings"].take(ending), link], quoted


def _cc(rng, has, customers):
    """'@<id> ': another (anonymised) account, near the customer's own id range."""
    other = customers + (rng.integers(1, 5000, customers.size) * np.where(
        rng.random(customers.size) < 0.5, -1, 1))
    text = pc.binary_join_element_wise("@", pa.array(np.abs(other)).cast(pa.string()), " ", "")
    return pc.if_else(pa.array(has), text, "")


_SEPARATORS = pa.array(["", " ", ". "])


def _detail(pools, rng, tone, has, after_punct):
    """A detail clause per row where `has`, from its tone's templates, slot filled, led by
    ". " (a sentence after a word), " " (a sentence after punctuation) or nothing (a clause):
    its pieces (separator, prefix, slot, suffix) and whether it needs CSV quoting."""
    offset, count = pools["where"][tone].T
    k = np.where(has, offset + (rng.random(tone.size) * count).astype(np.int64), 0)
    u = rng.random(tone.size)
    pick = (u * pools["span"][k]).astype(np.int64)
    number = pa.array(pools["lo"][k] + pick).cast(pa.string())
    word_index = pools["offset"][k] + np.where(pools["kind"][k] == 2, pick, 0)
    slot = pc.if_else(pa.array(pools["kind"][k] == 1), number, pools["words"].take(word_index))
    slot = pc.if_else(pa.array(pools["kind"][k] == 0), "", slot)
    separator = np.where(pools["sentence"][k], np.where(after_punct, 1, 2), 0)
    pieces = [_SEPARATORS.take(separator), pools["pre"].take(k), slot, pools["post"].take(k)]
    quoted = pools["quoted"][k] | ((pools["kind"][k] == 2) & pools["word_quoted"][word_index])
    return pieces, quoted


_BASE62 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", np.uint8)
_LINK = b" https://t.co/"


def _links(rng, has):
    """' https://t.co/<10 random letters and digits>' where `has`, else ''."""
    n, width = int(has.sum()), len(_LINK) + 10
    chars = np.empty((n, width), np.uint8)
    chars[:, :len(_LINK)] = np.frombuffer(_LINK, np.uint8)
    chars[:, len(_LINK):] = _BASE62[rng.integers(0, 62, (n, 10))]
    lengths = np.where(has, width, 0)
    offsets = np.zeros(has.size + 1, np.int32)
    offsets[1:] = np.cumsum(lengths)
    return pa.StringArray.from_buffers(has.size, pa.py_buffer(offsets), pa.py_buffer(chars.tobytes()))
