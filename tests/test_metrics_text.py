"""Brand reply text rules (sql/etl/derive_outbound_flags.sql): DM redirects, off-channel referrals and
agent signatures, each with positive and negative examples, loaded through the CLI. Many come
from real replies in the public twcs data; `conversations` picks the flags up."""
from __future__ import annotations

import pytest

from tests.test_metrics import load

# text, agent, dm_redirect, off_channel
CASES = [
    # agent signatures
    ("Please DM us your account details so we can take a look. ^JK", "JK", True, False),
    ("Happy to help! -Anna", "Anna", False, False),
    ("We'll look into it for you /LS", "LS", False, False),
    ("I would be glad to look into this for you.  *TBT", "TBT", False, False),
    ("Send us a DM, and we'll assist you! *KellenF https://t.co/lH0SH5fy2m", "KellenF", True,
     False),
    ("Is your mother able to contact us directly? ^Davina 2/2", "Davina", False, False),
    ("reimbursement or compensation. 2/2^Corry", "Corry", False, False),
    ("Is there anything I may be able to help with? ^AP .", "AP", False, False),
    ("Is there anything we can do to help? ^sp", "sp", False, False),
    ("Have a great night! -LO 😊", "LO", False, False),
    ("Was this purchased in store or home delivered? - Daniel", "Daniel", False, False),
    ("Please send us a DM so I can assist.--JV", "JV", True, False),
    ("Thanks for waiting ~Sam", "Sam", False, False),
    ("Gracias por escribirnos - José 2/2", "José", False, False),
    ("We are sorry to see that you are having trouble. How can we help?\n^HSB", "HSB", False,
     False),
    # not signatures
    ("Try restarting your TV/DVR", None, False, False),
    ("Make sure you are connected to Wi-Fi", None, False, False),
    ("Booking is already confirmed.Thanks-Emir", None, False, False),
    ("Glad we could help - Team", None, False, False),
    ("Happy to help! Thanks", None, False, False),
    ("That's not the experience we want (1/2)", None, False, False),
    ("We're open 24/7", None, False, False),
    # DM redirects
    ("Please send us a Direct Message so we can help further. Just click 'Message' at the top of "
     "our profile.", None, True, False),
    ("Can you send us a private message with a few details?", None, True, False),
    ("Please share your record locator via DMs and we can take a look.", None, True, False),
    ("Can you PM us your order number?", None, True, False),
    ("Hi Harley, can you message me your confirmation code? -Tara", "Tara", True, False),
    ("I've replied to your DM :) ^JMR", "JMR", True, False),
    ("We would need to get you into a private secured link to further assist.", None, True,
     False),
    ("Please follow and DM us your address.", None, True, False),
    ("Inbox us your order number", None, True, False),
    # not DM redirects
    ("We're open until 9 PM tonight, come by!", None, False, False),
    ("The store closes at 9:30 pm on Sundays.", None, False, False),
    ("We got your message and will look into it.", None, False, False),
    ("Administrator access is needed for that setting.", None, False, False),
    # off-channel
    ("Please call us at 1-800-555-0142 so a specialist can help.", None, False, True),
    ("Please email us at help@acme.example with your details.", None, False, True),
    ("Could you give us a call on 0800 555 0199? Our team can sort this out.", None, False, True),
    ("Please fill out our web form at https://acme.example/support and we'll be in touch.",
     None, False, True),
    ("Please reach out to us here: https://t.co/hApLpMlfHN ^RR", "RR", False, True),
    ("Please tell us more here: https://t.co/Ax7W1Dx3Y9 -Becky", "Becky", False, True),
    ("Here to help! Send us a note at https://t.co/ZFaWy0Lkdu so our team can assist.", None,
     False, True),
    ("Please contact our Baggage Service Center at 800-325-8224.", None, False, True),
    ("Our specialists can help with this by phone.", None, False, True),
    ("Please DM us your phone number so we can call you back.", None, True, True),
    ("You can chat with our team live: https://t.co/abc", None, False, True),
    # not off-channel
    ("Please DM us your phone number and email address.", None, True, False),
    ("Check out our Echo Help pages here: https://t.co/a31c4ynHES ^SG", "SG", False, False),
    ("That was a tough call, sorry!", None, False, False),
    ("Recall notices are on our website.", None, False, False),
    ("Have you spoken to our team on the phone about this?", None, False, False),
]


@pytest.fixture(scope="module")
def flags(tmp_path_factory):
    from etl.cli import main
    import duckdb
    from tests.test_metrics import write_config, write_twcs

    out = tmp_path_factory.mktemp("text")
    rows = [dict(id=1, author=900, at="2026-04-01T10:00:00Z", text="@Brand help")]
    rows += [dict(id=i + 2, author="Brand", at="2026-04-01T10:05:00Z", text=text, reply_to=1)
             for i, (text, *_rest) in enumerate(CASES)]
    db = out / "text.duckdb"
    assert main(["load", "twcs", str(write_twcs(out / "t.csv", rows)), "--db", str(db),
                 "--config", str(write_config(out / "c.toml"))]) == 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = con.execute("select reply_id, agent, dm_redirect, off_channel from replies").fetchall()
    finally:
        con.close()
    return {int(r[0]) - 2: r[1:] for r in got}


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c[0][:40] for c in CASES])
def test_reply_text_rules(flags, index):
    text, agent, dm, off = CASES[index]
    assert flags[index] == (agent, dm, off), text


def test_conversation_flags_follow_the_replies(cli, tmp_path, read_db):
    rows = [
        dict(id=1, author=901, at="2026-04-01T10:00:00Z", text="@Brand help"),
        dict(id=2, author="Brand", at="2026-04-01T10:05:00Z", text="@901 Sorry! What happened?",
             reply_to=1),
        dict(id=3, author=901, at="2026-04-01T10:07:00Z", text="@Brand it broke", reply_to=2),
        dict(id=4, author="Brand", at="2026-04-01T10:20:00Z", text="@901 Please DM us. ^JK",
             reply_to=3),
        dict(id=5, author=902, at="2026-04-01T11:00:00Z", text="@Brand help"),
        dict(id=6, author="Brand", at="2026-04-01T11:30:00Z",
             text="@902 Please call us at 1-800-555-0142.", reply_to=5),
    ]
    db = load(cli, tmp_path, rows)
    got = dict((c, rest) for c, *rest in read_db(
        db, "select customer_id, moved_to_dm, moved_off_channel, dm_offer_minutes "
            "from conversations"))
    assert got["901"] == [True, False, 20.0]
    assert got["902"] == [False, True, None]
