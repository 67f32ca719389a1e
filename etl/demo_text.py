"""Personas and text for the synthetic demo data (see `etl.demo`).

Three things live here, all plain data:

- `BRANDS`: the fictional care accounts (handle, sector, time zone, opening hours, speed, habits).
- `POOLS` / `SECTOR_POOLS`: sentence fragments. A message is up to three fragments joined together,
  so a few hundred fragments give many thousands of distinct tweets. `{short}`, `{domain}` and the
  event tags are filled per brand before use.
- The conversation grammar: `CASES` says which pools a message of a given case is built from,
  `FIRST` picks the case of a conversation's opening message from its kind, and `NEXT` picks a
  reply's case from its parent's case and the reply's role in the thread.
"""

# Roles a message can play in a thread (the shapes in etl.demo are lists of these).
ROLES = ("first", "nudge", "cfollow", "bfirst", "bfollow", "bextra", "dfirst", "dcust", "dbrand")
INBOUND_ROLES = ("first", "nudge", "cfollow", "dfirst", "dcust")

# Conversation kinds: what brought the customer in.
KINDS = ("normal", "campaign", "outage", "launch", "price", "dm")

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
_ALL_DAYS = _WEEKDAYS + ("sat", "sun")


def _hours(days, span):
    return {day: span for day in days}


BRANDS = (
    dict(handle="AcmeCareHelp", short="Acme", sector="retail", tz="America/New_York",
         hours={**_hours(_WEEKDAYS, "08:00-20:00"), "sat": "09:00-17:00"},
         later_hours={"sun": "10:00-16:00"}, holidays=["09-07", "11-26"],
         volume=1.0, median_min=25, sigma=1.3, unanswered=0.22, p_dm=0.37, p_off=0.05,
         signature="^{agent}", agents=("JK", "MR", "TS", "AL", "PD"), followers=1_200_000),
    dict(handle="NimbusMobile", short="Nimbus", sector="mobile", tz="Europe/London",
         hours=_hours(_ALL_DAYS, "07:00-22:00"), holidays=["08-31", "12-25"],
         volume=1.3, median_min=8, sigma=1.2, unanswered=0.18, p_dm=0.45, p_off=0.06,
         signature="-{agent}", agents=("Anna", "Tom", "Priya", "Callum", "Zoe", "Dev"),
         followers=640_000),
    dict(handle="OrbitAirHelp", short="Orbit", sector="airline", tz="UTC",
         hours=_hours(_ALL_DAYS, "00:00-24:00"), holidays=[],
         volume=1.1, median_min=3, sigma=1.1, unanswered=0.12, p_dm=0.27, p_off=0.04,
         signature="*{agent}", agents=("TS", "RB", "KW", "EM", "JC"), followers=2_100_000),
    dict(handle="PixelPayCare", short="PixelPay", sector="bank", tz="America/Los_Angeles",
         hours={**_hours(_WEEKDAYS, "08:00-20:00"), "sat": "09:00-17:00"},
         holidays=["09-07", "10-12"],
         volume=0.7, median_min=70, sigma=1.4, unanswered=0.33, p_dm=0.52, p_off=0.10,
         signature="/{agent}", agents=("LS", "MG", "DW", "NB"), followers=380_000),
    dict(handle="SakuraRailDesk", short="Sakura", sector="rail", tz="Asia/Tokyo",
         hours={**_hours(_WEEKDAYS, "09:00-21:00"), "sat": "09:00-21:00"},
         holidays=["09-21", "09-23", "10-12"],
         volume=0.5, median_min=45, sigma=1.2, unanswered=0.15, p_dm=0.22, p_off=0.08,
         signature="", agents=("A", "B", "C"), followers=210_000),
    dict(handle="KesselEnergyHelp", short="Kessel", sector="energy", tz="Europe/Berlin",
         hours={**_hours(_WEEKDAYS, "08:00-18:00"), "sat": "09:00-13:00"},
         holidays=["10-03", "12-25"],
         volume=0.45, median_min=40, sigma=1.3, unanswered=0.28, p_dm=0.40, p_off=0.12,
         signature="^{agent}", agents=("HB", "KM", "SF", "JW"), followers=95_000),
    dict(handle="MapleStreamCare", short="Maple", sector="streaming", tz="America/Toronto",
         hours={**_hours(_WEEKDAYS, "09:00-21:00"), "sat": "10:00-18:00", "sun": "10:00-18:00"},
         holidays=["09-07", "10-12"],
         volume=0.6, median_min=15, sigma=1.2, unanswered=0.20, p_dm=0.30, p_off=0.05,
         signature="-{agent}", agents=("Chloe", "Marc", "Ines", "Owen"), followers=450_000),
    dict(handle="CoralCoverHelp", short="Coral", sector="insurance", tz="Australia/Sydney",
         hours=_hours(_WEEKDAYS, "08:30-17:30"), holidays=["10-05", "12-25"],
         volume=0.4, median_min=60, sigma=1.3, unanswered=0.25, p_dm=0.42, p_off=0.12,
         signature="", agents=("A", "B", "C"), followers=120_000),
)

# Holidays are month-days ("09-07"), closed in every year of the window.

# Agent speed factors, fastest first; agent i of a brand is SPEEDS[i] times the brand's median.
AGENT_SPEEDS = (0.55, 0.8, 1.0, 1.3, 1.8, 2.4)
AGENT_WEIGHTS = (0.30, 0.25, 0.20, 0.12, 0.08, 0.05)

POOLS = dict(
    empty=[""],
    opener=["", "", "", "", "Hi, ", "Hello, ", "Hey ", "Ugh. ", "Not again. ", "So ", "Help! ",
            "Seriously ", "hi "],
    q_opener=["", "", "", "Hi, ", "Hello, ", "Hey ", "Quick question: ", "hi ", "Hi there, "],
    tail_neg=["", "", "", "", ". Not happy.", " 😡", ". This is ridiculous", "!!", "?!",
              ". Worst customer service ever", ". Third time this month", ". Sort this out",
              " smh", " #fail", ". Really disappointed", ". Fix it", " 🙄", ". Unacceptable.",
              "... so frustrated"],
    tail_q=["", "", "", "", " Thanks!", " thx", "?", " 🙏"],
    praise=["just want to say your support team is amazing, thank you!",
            "love the new {short} app update 👏",
            "shoutout to the agent who helped me yesterday, "
            "great service", "thanks for the quick help earlier, really appreciate it!",
            "10/10 service today, thank you 🙌",
            "you guys are the best, problem solved in minutes",
            "great experience today, the staff were lovely ❤️",
            "finally got through to someone.\n\nthank you {short} team, problem solved",
            "big thanks to the team for "
            "sorting my issue so fast"],
    nudge=["any update on this?", "anyone?", "still no answer here",
           "hello? any news?"],
    nudge_neg=["hello?? anyone there?", "still waiting for a reply...",
               "bump. 2 days and no answer",
               "is anyone actually reading these?", "???", "ignored again 🙄",
               "still no reply. terrible", "so you just ignore customers now?"],
    empathy=["Sorry to hear that! ", "We're sorry for the trouble. ", "Oh no, sorry about this. ",
             "That's not the experience we want for you. ", "I understand your frustration. ",
             "Apologies for the inconvenience. ", "Hi there! ", "", "Thanks for reaching out. ",
             "We hear you. "],
    neutral=["", "", "Hi there! ", "Thanks for reaching out. ", "Thanks for getting in touch. ",
             "Hey! ", "We'd like to help. "],
    friendly=["Hi there! ", "Happy to help! ", "Good question! ", "Hey! ", "",
              "Thanks for asking! "],
    late=["Sorry for the wait! ", "Apologies for the delay in getting back to you. ",
          "Thanks for your patience. "],
    dm_request=["Please DM us your account details so we can take a look.",
                "Can you send us a private message with a few details? We'll look into it.",
                "Please send us a Direct Message so we can help further. Just click 'Message' at "
                "the top of our profile.",
                "Shoot us a DM with your email address and we'll check this.",
                "Please DM us the details and we'll take a look.",
                "Let's take this to DM so we can look at your account securely.",
                "Could you send us a private message? We need a few details to check this."],
    offchannel=["Please call us at 1-800-555-0142 so a specialist can help.",
                "Please email us at help@{domain} with your details and we'll get this fixed.",
                "Please fill out our web form at https://{domain}/support and we'll be in touch.",
                "Could you give us a call on 0800 555 0199? Our team can sort this out quickly.",
                "Our specialists can help with this by phone, please call us at 1-800-555-0177."],
    praise_reply=["Thank you so much for the kind words! We'll pass them on to the team.",
                  "Aww, thanks! Glad we could help 💙",
                  "That's great to hear, have a lovely day!",
                  "This made our day, thank you!"],
    dm_got=["Thanks, we've got your message and replied there.",
            "Got it, we're looking into it now.", "Thanks! We'll continue there.",
            "Received, thanks. We'll be with you shortly."],
    sorry=["We're sorry for the wait. We've escalated this to our team.",
           "Sorry about that, we'll get back to you as soon as we can.",
           "That's not good enough, sorry. I've flagged this with a supervisor.",
           "We apologise, our queues are busier than usual. We'll reply as soon as possible."],
    welcome=["You're welcome! Have a great day.", "Glad we could help!",
             "Anytime! Reach out if you need anything else.", "Great to hear that's sorted!",
             "Happy to help 😊"],
    extra=["You can also find more info here: https://{domain}/help",
           "(2/2) If that doesn't work, let us know and we'll dig deeper.",
           "Also, make sure you're on the latest app version.",
           "Our help centre has a step-by-step guide too: https://{domain}/faq"],
    dm_sent=["Done, just sent you a DM", "DM sent", "ok I've messaged you",
             "sent the details in DM 👍", "just did, thanks"],
    dm_neg=["I already DMed you twice and nobody replied", "why do I have to DM, just fix it",
            "I did, still no answer", "I sent a DM yesterday and heard nothing. awful"],
    off_ok=["ok will call them now, thanks", "ok, filled in the form", "alright, emailing now",
            "ok I'll give them a call"],
    off_neg=["I've been on hold for over an hour", "the form doesn't work either",
             "called 3 times already and still no fix", "your phone line just hangs up on me"],
    thanks=["thanks, that fixed it!", "perfect, working now 🙌", "great, thank you so much!",
            "that worked, appreciate the quick help", "brilliant, sorted. thanks!",
            "ah that did it, cheers", "amazing, thanks for the help!"],
    still=["still not working", "tried that, no luck", "that doesn't help at all",
           "nope, same problem. useless", "already did that twice, still broken",
           "no, that's not it. still waiting for my refund", "this is getting ridiculous"],
    outage_more=["it's been 3 hours, any ETA?", "still down here", "this is unacceptable, I "
                 "work from my phone", "any update? still can't log in",
                 "still no service, are you going to compensate us?"],
    outage_back=["working again now, thanks for the update", "it's back! thanks",
                 "all good now, cheers for the update"],
    outage_ack=["We're aware of an issue affecting some customers and our engineers are working "
                "on a fix. Sorry for the disruption.",
                "Thanks for flagging. We're seeing a service issue right now and are working to "
                "restore it ASAP.",
                "We know some of you can't log in at the moment. Updates here as soon as we have "
                "them.",
                "Sorry, there's an ongoing outage in some areas. Our teams are on it.",
                "Apologies, we have a network problem right now. Engineers are working on it "
                "and we'll post updates."],
    camp_pos=["just grabbed the {camp_tag} bundle, great prices 🙌",
              "the {camp_tag} is actually good this year, ordered 3 things",
              "love the {camp_tag}! already got my order confirmation",
              "{camp_tag} came at the perfect time, thanks!",
              "scored a new coffee machine in the {camp_tag} ☕ so happy",
              "the Mega Deal prices are great, well done {short}"],
    camp_q=["does the {camp_tag} discount apply in stores too?",
            "is there a code for the {camp_tag} or is it automatic?",
            "when does the {camp_tag} end?", "can I use my gift card in the {camp_tag}?",
            "will the Mega Deal come back? missed it last time"],
    camp_neg=["the {camp_tag} price isn't showing at checkout",
              "site keeps crashing during the {camp_tag}, so frustrating",
              "everything in the {camp_tag} is sold out already 😒",
              "charged full price even though it was in the {camp_tag}"],
    camp_reply=["Glad you're enjoying the Mega Deal! Happy shopping 🛍️",
                "Great pick! Enjoy, and thanks for shopping with us.",
                "Love to hear it! The Mega Deal runs until Sunday midnight."],
    camp_info=["The discount is applied automatically at checkout, no code needed!",
               "The Mega Deal runs until Sunday midnight, so there's still time!",
               "Yes, it's valid online and in all our stores."],
    camp_sorry=["Sorry about that! Please try clearing your cart and adding the item again.",
                "We're sorry, demand is huge right now. Some items will be restocked tomorrow."],
    outage=["is the app down? can't log in {out_tag}",
            "no signal at all for the last hour, is there an outage?",
            "{out_tag} again?? I need my phone for work",
            "can't log in to my account, is {short} down?",
            "is there an outage in London? nothing works",
            "everything is down, no data no calls. what's going on",
            "app says service unavailable {out_tag}", "outage AGAIN. this is ridiculous {out_tag}",
            "no signal, no wifi calling, nothing. is the network down?",
            "can't log in, can't call, can't text. great job {short} {out_tag}"],
    outage_tail=["", "", " 😡", "!!", " #fail", " smh", "?!"],
    launch_pos=["the new app is so much faster, nice job {launch_tag}",
                "loving the new app design {launch_tag}",
                "checked in with the new app in 10 seconds, great work"],
    launch_neg=["the new app logged me out and won't let me back in {launch_tag}",
                "why did you remove seat selection from the new app?",
                "new app keeps crashing on my phone {launch_tag}"],
    launch_q=["where do I find my boarding pass in the new app?",
              "does the new app still support Apple Wallet? {launch_tag}"],
    launch_reply=["Thanks for the feedback on the new app! We've passed it to the product team.",
                  "Glad you like it! More features are coming soon.",
                  "Sorry about that, an update with a fix is rolling out this week."],
    price_neg=["a new monthly fee?? seriously {price_tag}",
               "just got an email about the new fees. time to switch banks",
               "why am I paying more for the same card now? {price_tag}",
               "the new monthly fee is a joke. closing my account"],
    price_q=["does the new monthly fee apply to student accounts?",
             "how do I avoid the new fees? {price_tag}"],
    price_reply=["We understand the change is frustrating. Full details of the new fees are at "
                 "https://{domain}/fees",
                 "Accounts with a monthly deposit of $500 or more won't pay the new fee."],
    ack=["ok thanks!", "great, thanks", "perfect 👍", "cool, thank you", "ok, good to know"],
    praise_back=["❤️", "you're welcome! keep it up", "thanks 😊", "🙌"],
    d_ask=["Thanks for getting in touch. Could you confirm the email address on your account?",
           "Thanks! Can you share the last 4 digits of the card and the date of the charge?",
           "Thanks for the details. Could you also send a screenshot of the error?"],
    d_detail=["sure, it ends in 4471", "it's the email on my profile", "screenshot attached",
              "the charge was on the 12th, $49.99", "here you go"],
    d_thanks=["great, thanks a lot!", "perfect, thank you", "thanks, really appreciate it",
              "amazing, thanks for sorting it"],
    d_still=["still nothing on my end", "it still shows the old amount",
             "that didn't work, same error"],
    d_bye=["You're welcome! We'll close this chat now, have a good day.",
           "Happy we could help. Take care!", "Anytime! Let us know if anything else comes up."],
)

SECTOR_POOLS = dict(
    retail=dict(
        issue=["still waiting for my refund", "my order #48213 still hasn't arrived and it's been "
               "2 weeks", "I was charged twice for the same order", "the app keeps crashing at "
               "checkout", "received the wrong item AGAIN", "parcel marked delivered but nothing "
               "here", "your website won't take my card", "the return label you sent doesn't work",
               "ordered a blue jacket &amp; got a pink one", "item arrived broken and nobody "
               "answers the chat"],
        question=["how do I change the delivery address on an order?", "can I return something "
                  "I bought online in store?", "do you ship to Canada?", "when will the XL size be "
                  "back in stock?", "how long do refunds usually take?"],
        answer=["You can change it under Orders > Edit until the parcel ships.", "Yes, any "
                "store can take online returns with the receipt email.", "Refunds take 3-5 "
                "working days to show after we receive the item."],
        fix=["I've reissued the order with express delivery at no cost.", "We've refunded the "
             "duplicate charge, it should show in 3-5 days.", "Please update the app to 7.2, "
             "that fixes the checkout crash."],
        ask=["When did you place the order?", "Can you tell us which item this is about?",
             "Which payment method did you use?"],
        detail=["order number is 48213, placed on Monday", "it was the blue one, size M",
                "paid with Visa on the website"]),
    mobile=dict(
        issue=["no signal at home for 3 days now", "my bill is double what it should be",
               "the app keeps crashing when I try to pay", "roaming charges on my bill even "
               "though I was at home", "data is painfully slow since the update", "you charged "
               "me twice this month", "still waiting for my number to be ported", "my new SIM "
               "still isn't active"],
        question=["how do I get a PAC code?", "can I add an extra line to my plan?",
                  "does my plan include EU roaming?", "how do I turn off voicemail?"],
        answer=["Text PAC to 65075 and you'll get it straight away.", "Yes, you can add a line "
                "in the app under Plan > Add line.", "EU roaming is included on all our 5G plans."],
        fix=["We've reset your network settings from our side, please restart your phone.",
             "We've credited the extra charge to your next bill.", "A mast near you was down, "
             "it's fixed now."],
        ask=["What's the postcode where you're having trouble?", "Which phone model are you "
             "using?", "Have you tried restarting your phone?"],
        detail=["postcode is SE15, it's been like this since Tuesday", "it's an iPhone 15, "
                "latest update", "yes I restarted it twice"]),
    airline=dict(
        issue=["my bag didn't arrive in Lisbon", "flight delayed 5 hours and no one tells us "
               "anything", "still waiting for my refund for a cancelled flight",
               "charged twice for "
               "seat selection", "missed my connection because of your delay", "the app won't "
               "load my boarding pass", "rebooked me on a flight 2 days later??"],
        question=["can I bring a guitar as hand luggage?", "how early does check-in open?",
                  "can I change the name on my booking?", "do you serve vegetarian meals?"],
        answer=["Check-in opens 30 hours before departure.", "Yes, guitars fit as cabin bags "
                "if they meet the size limits.", "Vegetarian meals can be added up to 24h before "
                "the flight."],
        fix=["We've located your bag, it will be delivered tomorrow.", "Your refund has been "
             "processed, it takes 7 days to show.", "We've rebooked you on the 18:40, seat 12A."],
        ask=["Can you share your booking reference?", "Which flight number was it?",
             "Do you have your bag tag number?"],
        detail=["booking ref is QX7LM2", "it was OA 451 from Madrid", "tag number ends 88213"]),
    bank=dict(
        issue=["my card got declined everywhere today", "transfer still pending after 3 days",
               "I was charged twice for the same payment", "can't log in to the app since the "
               "update", "someone made a payment I don't recognise", "still waiting for my "
               "refund from a dispute", "the app keeps crashing when I open statements"],
        question=["how do I raise my daily transfer limit?", "can I get a replacement card "
                  "sent abroad?", "do you charge for international transfers?"],
        answer=["You can raise it in the app under Card > Limits.", "International transfers "
                "are free on Plus accounts."],
        fix=["We've unblocked your card, it works again now.", "The duplicate charge has been "
             "reversed.", "Your transfer was released and should land today."],
        ask=["Can you tell us when the payment was made?", "Which device are you using?",
             "Is the card physical or virtual?"],
        detail=["it was yesterday around 3pm", "Pixel 8, app version 4.1", "the physical one"]),
    rail=dict(
        issue=["my train was cancelled and there was no announcement", "IC card charged twice "
               "at the gate", "still waiting for my delay refund", "the reservation site won't "
               "let me pay", "booked seat was already taken", "train 40 min late and no info"],
        question=["can I change my seat reservation after boarding?", "do rail passes cover "
                  "the express?", "where can I leave luggage at the main station?"],
        answer=["Yes, ask the conductor or use a ticket machine.", "Passes cover all express "
                "services except the night liner."],
        fix=["We've refunded the double charge to your IC card.", "Your delay refund has been "
             "approved."],
        ask=["Which train and date was this?", "Do you have your ticket number?"],
        detail=["the 08:12 to Kyoto on Friday", "ticket number 0045-221"]),
    energy=dict(
        issue=["my bill is based on an estimate again", "smart meter stopped sending readings",
               "charged twice for September", "still waiting for my credit refund", "the app "
               "won't accept my meter reading", "direct debit went up by 40 euros with no "
               "warning"],
        question=["how do I submit a meter reading?", "can I switch to a green tariff?",
                  "when is my contract end date?"],
        answer=["You can submit readings in the app under Meter.", "Yes, you can switch to "
                "GreenFix at any time."],
        fix=["We've corrected the bill using your actual reading.", "Your meter has been reset "
             "and is sending readings again."],
        ask=["Could you send your customer number?", "When did you last submit a reading?"],
        detail=["customer number is 7781-22", "last reading was in June"]),
    streaming=dict(
        issue=["app keeps crashing on my TV", "charged twice this month", "buffering every 2 "
               "minutes", "can't log in on my phone", "my profile disappeared"],
        question=["can I download episodes to watch offline?", "how many screens does the "
                  "basic plan include?", "when does season 3 come out?"],
        answer=["Yes, tap the download icon on any episode.", "Basic includes 2 screens at once."],
        fix=["We've refunded the duplicate charge.", "Please reinstall the TV app, version 5.3 "
             "fixes the crash."],
        ask=["Which device are you watching on?", "What error code do you see?"],
        detail=["Samsung TV, 2021 model", "error code 1011"]),
    insurance=dict(
        issue=["my claim has been open for 6 weeks", "charged twice for my premium",
               "nobody called me back about my claim", "renewal price went up 30% with no "
               "explanation", "can't upload photos to the claim portal"],
        question=["does my policy cover windscreen damage?", "can I pay monthly instead of "
                  "yearly?"],
        answer=["Windscreen cover is included on comprehensive policies.", "Yes, you can switch "
                "to monthly payments in your account."],
        fix=["Your claim has been approved and paid today.", "We've refunded the extra premium."],
        ask=["Could you share your claim number?", "Which policy is this about?"],
        detail=["claim number CL-55120", "the car policy"]),
)

# case -> the pools of its up-to-three fragments ("@x" = the brand's sector pool x).
CASES = dict(
    c_issue=("opener", "@issue", "tail_neg"), c_question=("q_opener", "@question", "tail_q"),
    c_praise=("praise", "empty", "empty"), c_nudge=("nudge", "empty", "empty"),
    c_nudge_neg=("nudge_neg", "empty", "empty"), c_camp_pos=("camp_pos", "empty", "empty"),
    c_camp_q=("camp_q", "empty", "empty"), c_camp_neg=("camp_neg", "tail_neg", "empty"),
    c_outage=("outage", "outage_tail", "empty"), c_launch_pos=("launch_pos", "empty", "empty"),
    c_launch_neg=("launch_neg", "tail_neg", "empty"), c_launch_q=("launch_q", "empty", "empty"),
    c_price_neg=("price_neg", "tail_neg", "empty"), c_price_q=("price_q", "empty", "empty"),
    c_dm_sent=("dm_sent", "empty", "empty"), c_dm_neg=("dm_neg", "empty", "empty"),
    c_off_ok=("off_ok", "empty", "empty"), c_off_neg=("off_neg", "tail_neg", "empty"),
    c_detail=("@detail", "empty", "empty"), c_thanks=("thanks", "empty", "empty"),
    c_still=("still", "tail_neg", "empty"), c_outage_more=("outage_more", "empty", "empty"),
    c_outage_back=("outage_back", "empty", "empty"), c_ack=("ack", "empty", "empty"),
    c_praise_back=("praise_back", "empty", "empty"),
    b_dm=("neutral", "dm_request", "empty"), b_off=("neutral", "offchannel", "empty"),
    b_ask=("empathy", "@ask", "empty"), b_ask_late=("late", "@ask", "empty"),
    b_fix=("empathy", "@fix", "empty"), b_answer=("friendly", "@answer", "empty"),
    b_praise=("praise_reply", "empty", "empty"), b_dm_got=("dm_got", "empty", "empty"),
    b_sorry=("sorry", "empty", "empty"), b_welcome=("welcome", "empty", "empty"),
    b_extra=("extra", "empty", "empty"), b_outage=("outage_ack", "empty", "empty"),
    b_camp=("camp_reply", "empty", "empty"), b_camp_info=("camp_info", "empty", "empty"),
    b_camp_sorry=("camp_sorry", "empty", "empty"), b_launch=("launch_reply", "empty", "empty"),
    b_price=("price_reply", "empty", "empty"),
    d_first=("@issue", "empty", "empty"), d_ask=("d_ask", "empty", "empty"),
    d_detail=("d_detail", "empty", "empty"), d_fix=("@fix", "empty", "empty"),
    d_thanks=("d_thanks", "empty", "empty"), d_still=("d_still", "empty", "empty"),
    d_bye=("d_bye", "empty", "empty"),
)

FIRST = dict(
    normal={"c_issue": 0.58, "c_question": 0.30, "c_praise": 0.12},
    campaign={"c_camp_pos": 0.50, "c_camp_q": 0.35, "c_camp_neg": 0.15},
    outage={"c_outage": 1.0},
    launch={"c_launch_pos": 0.40, "c_launch_neg": 0.35, "c_launch_q": 0.25},
    price={"c_price_neg": 0.75, "c_price_q": 0.25},
    dm={"d_first": 1.0},
)

# (parent case, role) -> {child case: p}; ("*", role) is the fallback for that role.
NEXT = {
    ("c_issue", "nudge"): {"c_nudge_neg": 1.0}, ("c_outage", "nudge"): {"c_outage_more": 1.0},
    ("*", "nudge"): {"c_nudge": 1.0},
    ("c_issue", "bfirst"): {"b_ask": 0.55, "b_fix": 0.45},
    ("c_question", "bfirst"): {"b_answer": 0.75, "b_ask": 0.25},
    ("c_praise", "bfirst"): {"b_praise": 1.0},
    ("c_camp_pos", "bfirst"): {"b_camp": 1.0}, ("c_camp_q", "bfirst"): {"b_camp_info": 1.0},
    ("c_camp_neg", "bfirst"): {"b_camp_sorry": 1.0}, ("c_outage", "bfirst"): {"b_outage": 1.0},
    ("c_outage_more", "bfirst"): {"b_outage": 1.0},
    ("c_launch_pos", "bfirst"): {"b_launch": 1.0}, ("c_launch_neg", "bfirst"): {"b_launch": 1.0},
    ("c_launch_q", "bfirst"): {"b_launch": 1.0},
    ("c_price_neg", "bfirst"): {"b_price": 1.0}, ("c_price_q", "bfirst"): {"b_price": 1.0},
    ("*", "bfirst"): {"b_ask_late": 1.0},
    ("b_dm", "cfollow"): {"c_dm_sent": 0.8, "c_dm_neg": 0.2},
    ("b_off", "cfollow"): {"c_off_ok": 0.5, "c_off_neg": 0.5},
    ("b_ask", "cfollow"): {"c_detail": 1.0}, ("b_ask_late", "cfollow"): {"c_detail": 1.0},
    ("b_fix", "cfollow"): {"c_thanks": 0.6, "c_still": 0.4},
    ("b_answer", "cfollow"): {"c_thanks": 0.7, "c_still": 0.3},
    ("b_outage", "cfollow"): {"c_outage_more": 0.7, "c_outage_back": 0.3},
    ("b_sorry", "cfollow"): {"c_still": 0.6, "c_thanks": 0.4},
    ("b_praise", "cfollow"): {"c_praise_back": 1.0}, ("b_camp", "cfollow"): {"c_praise_back": 1.0},
    ("b_welcome", "cfollow"): {"c_praise_back": 1.0}, ("b_dm_got", "cfollow"): {"c_ack": 1.0},
    ("b_camp_info", "cfollow"): {"c_ack": 1.0},
    ("b_camp_sorry", "cfollow"): {"c_ack": 0.5, "c_still": 0.5},
    ("b_launch", "cfollow"): {"c_ack": 0.6, "c_still": 0.4},
    ("b_price", "cfollow"): {"c_ack": 0.4, "c_price_neg": 0.6},
    ("*", "cfollow"): {"c_ack": 0.5, "c_detail": 0.5},
    ("c_dm_sent", "bfollow"): {"b_dm_got": 1.0}, ("c_dm_neg", "bfollow"): {"b_sorry": 1.0},
    ("c_off_neg", "bfollow"): {"b_sorry": 0.6, "b_dm": 0.4},
    ("c_detail", "bfollow"): {"b_fix": 0.6, "b_dm": 0.25, "b_off": 0.15},
    ("c_still", "bfollow"): {"b_dm": 0.5, "b_sorry": 0.2, "b_ask": 0.3},
    ("c_outage_more", "bfollow"): {"b_outage": 1.0},
    ("c_price_neg", "bfollow"): {"b_sorry": 1.0},
    ("*", "bfollow"): {"b_welcome": 1.0},
    ("*", "bextra"): {"b_extra": 1.0},
    ("d_first", "dbrand"): {"d_ask": 0.55, "d_fix": 0.45},
    ("d_ask", "dcust"): {"d_detail": 1.0}, ("d_fix", "dcust"): {"d_thanks": 0.75, "d_still": 0.25},
    ("d_detail", "dbrand"): {"d_fix": 1.0}, ("d_still", "dbrand"): {"d_ask": 1.0},
    ("*", "dcust"): {"d_thanks": 1.0}, ("*", "dbrand"): {"d_bye": 1.0},
}

# Thread shapes: (role, parent position) per message, in time order. A "bextra" is a second brand
# tweet answering the same customer tweet (twcs lists both ids in response_tweet_id).
SHAPES = (
    (("first", -1),),
    (("first", -1), ("nudge", 0)),
    (("first", -1), ("bfirst", 0)),
    (("first", -1), ("bfirst", 0), ("cfollow", 1)),
    (("first", -1), ("bfirst", 0), ("cfollow", 1), ("bfollow", 2)),
    (("first", -1), ("bfirst", 0), ("cfollow", 1), ("bfollow", 2), ("cfollow", 3), ("bfollow", 4)),
    (("first", -1), ("nudge", 0), ("bfirst", 1)),
    (("first", -1), ("bfirst", 0), ("bextra", 0)),
    (("first", -1), ("bfirst", 0), ("cfollow", 1), ("bfollow", 2), ("cfollow", 3)),
    (("dfirst", -1),),
    (("dfirst", -1), ("dbrand", 0)),
    (("dfirst", -1), ("dbrand", 0), ("dcust", 1), ("dbrand", 2)),
    (("dfirst", -1), ("dbrand", 0), ("dcust", 1), ("dbrand", 2), ("dcust", 3), ("dbrand", 4)),
)
UNANSWERED_SHAPES = {0: 0.8, 1: 0.2}
ANSWERED_SHAPES = {2: 0.40, 3: 0.22, 4: 0.14, 5: 0.06, 6: 0.06, 7: 0.05, 8: 0.07}
DM_SHAPES = {9: 0.06, 10: 0.30, 11: 0.44, 12: 0.20}

# Opening cases a brand may answer with a DM request or an off-channel referral instead.
REDIRECTABLE = ("c_issue", "c_question", "c_nudge_neg", "c_nudge", "c_camp_neg", "c_outage",
                "c_launch_neg", "c_price_neg", "c_price_q")
