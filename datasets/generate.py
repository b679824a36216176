"""Generate the bundled example company, with the values it plants written down.

Nordlys Outdoor sells outdoor gear in Norway, Latvia and the Gulf and Iran,
so its keywords are English, Norwegian, Latvian, Arabic and Persian. The
generator starts from *canonical* keywords with a true CPC range and true
clicks, then writes them the way real exports do: the search-console export
spells a keyword in several ways (case, stray spaces, Persian vs Arabic
keyboard letters, Persian digits), the keyword-planner export lists CPCs in
its own spelling, some keywords twice, some with no bid. The truth in
``truth.json`` is computed from the canonical data, not by socialroi, so a
test that socialroi recovers it checks the normalisation, the join and the
formulas together.

Run ``python -m socialroi.datasets.generate [OUTDIR]`` (default: the
package's ``example/`` folder). The output is byte-identical for the same
seed.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

SEED = 20261124
CURRENCY = "EUR"
REPLACEMENT_SHARE = 0.8
BRAND = "nordlys"
DIRECT_REVENUE = 48_000.0

# (language, stem words, modifiers): keywords are stem + modifier combinations
_LEXICON = {
    "en": (["hiking boots", "rain jacket", "wool socks", "down jacket", "trekking poles", "sleeping bag",
            "camping tent", "headlamp", "backpack", "fleece jacket", "ski gloves", "thermal base layer",
            "water bottle", "trail running shoes", "bivy sack"],
           ["", "women", "men", "kids", "waterproof", "lightweight", "best", "cheap", "sale", "review",
            "size guide", "for winter", "for summer", "2026", "near me", "online", "vs", "repair", "wide fit",
            "vegan", "recycled", "ultralight", "4 season", "set", "gore tex", "merino", "discount", "outlet"]),
    "no": (["fjellsko", "regnjakke", "ullsokker", "dunjakke", "staver", "sovepose", "telt", "hodelykt",
            "tursekk", "fleecejakke", "skihansker", "ullundertøy", "drikkeflaske", "løpesko", "vindjakke"],
           ["", "dame", "herre", "barn", "vanntett", "lett", "beste", "billig", "salg", "test", "størrelse",
            "vinter", "sommer", "på nett", "tilbud", "brukt", "ull", "gore-tex", "grønn", "rød", "blå", "sort"]),
    "lv": (["pārgājienu zābaki", "lietus jaka", "vilnas zeķes", "dūnu jaka", "nūjas", "guļammaiss", "telts",
            "galvas lukturis", "mugursoma", "flīsa jaka", "slēpošanas cimdi", "termoveļa", "ūdens pudele",
            "skriešanas apavi", "vējjaka"],
           ["", "sieviešu", "vīriešu", "bērnu", "ūdensnecaurlaidīga", "viegla", "labākā", "lēta", "izpārdošana",
            "atsauksmes", "izmērs", "ziemai", "vasarai", "rīgā", "internetā", "akcija", "zaļa", "melna"]),
    "ar": (["حذاء المشي", "سترة مطر", "جوارب صوف", "خيمة تخييم", "كيس نوم", "حقيبة ظهر", "مصباح رأس",
            "سترة شتوية", "قفازات تزلج", "زجاجة ماء"],
           ["", "نسائي", "رجالي", "اطفال", "مقاوم للماء", "خفيف", "افضل", "رخيص", "تخفيضات", "كويت", "دبي",
            "الرياض", "٢٠٢٦", "اونلاين"]),
    "fa": (["کفش کوهنوردی", "کاپشن بارانی", "جوراب پشمی", "کیسه خواب", "چادر کمپینگ", "کوله پشتی", "چراغ پیشانی",
            "کاپشن زمستانی", "دستکش اسکی", "قمقمه"],
           ["", "زنانه", "مردانه", "بچگانه", "ضد آب", "سبک", "بهترین", "ارزان", "تخفیف", "تهران", "خرید",
            "۱۴۰۵", "قیمت", "اصل"]),
}
_LANG_CPC = {"en": 1.10, "no": 0.95, "lv": 0.35, "ar": 0.45, "fa": 0.12}  # median mid CPC, EUR


def _canonical_keywords() -> list[tuple[str, str]]:
    out, seen = [], set()
    for lang, (stems, mods) in _LEXICON.items():
        combos = [m for m in mods] + [f"{a} {b}" for a in mods[1:6] for b in mods[6:12]]
        for stem in stems:
            for mod in combos:
                kw = f"{stem} {mod}".strip()
                if kw.casefold() not in seen:
                    seen.add(kw.casefold())
                    out.append((lang, kw))
    for mod in ("", " boots", " jakke", " outlet", " kundeservice", " kod", " ofis", " nettbutikk", " review",
                " jaka", " store"):
        out.append(("brand", f"{BRAND}{mod}"))
    return out


_FA_TO_AR = str.maketrans({"ی": "ي", "ک": "ك"})
_AR_DIGITS = str.maketrans({chr(0x0660 + d): chr(0x06F0 + d) for d in range(10)})  # Arabic-Indic -> Persian


def _variants(lang: str, kw: str, rng: np.random.Generator) -> list[str]:
    """How the search-console export spells one canonical keyword (1-3 spellings)."""
    options = [kw]
    if lang in ("en", "no", "lv", "brand"):
        options += [kw.capitalize(), kw.upper() if len(kw) < 14 else kw.title(), f" {kw}", kw.replace(" ", "  ")]
    elif lang == "fa":
        options += [kw.translate(_FA_TO_AR), f"{kw} ", kw.replace(" ", "  ")]
    else:  # Arabic: Persian keyboard letters and digits
        options += [kw.replace("ي", "ی").replace("ك", "ک"), kw.translate(_AR_DIGITS), f" {kw}"]
    n = int(rng.integers(1, 4))
    picked = [options[0]] + [options[int(i)] for i in rng.integers(1, len(options), n - 1)]
    return list(dict.fromkeys(picked))


SEGMENT_VALUES = {"annual_value": 900.0, "horizon_years": 2.0, "discount_rate": 0.10, "value_per_upsell": 600.0,
                  "time_to_close_horizon": 180.0}
_LOGIT_EFFECT_RETENTION = 0.35
_LOGIT_EFFECT_UPSELL = 0.40
_LOG_EFFECT_DEAL = 0.08
_LOG_HR_CLOSE = 0.35


def _customers(seed: int) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """B2B customer accounts (shops, clubs, schools, companies) with planted engagement effects.

    Engaged customers are larger and longer-standing, and size and tenure also
    raise every outcome, so the naive engaged-vs-not difference overstates
    the lift. The truth is the mean over engaged customers of the difference
    between their outcome probabilities (or expected amounts) with and
    without engagement, from the generating model.
    """
    rng = np.random.default_rng(seed + 1)
    n = 3000
    segments = np.array(["sports retailer", "outdoor club", "school", "company"])
    regions = np.array(["Norway", "Latvia", "Gulf", "Iran"])
    channels = np.array(["organic search", "paid search", "referral", "trade fair"])
    seg = segments[rng.choice(4, n, p=[0.4, 0.25, 0.15, 0.2])]
    reg = regions[rng.choice(4, n, p=[0.45, 0.25, 0.2, 0.1])]
    chan = channels[rng.choice(4, n, p=[0.35, 0.25, 0.25, 0.15])]
    employees = np.maximum(1, np.round(np.exp(2.5 + 1.1 * rng.standard_normal(n)))).astype(int)
    tenure = np.round(0.5 + 9.5 * rng.random(n), 1)
    size_z = (np.log(employees) - 2.5) / 1.1
    ten_z = (tenure - 5.25) / 2.75
    lin = -0.6 + 0.6 * size_z + 0.35 * ten_z + 0.4 * (seg == "sports retailer") + 0.3 * (reg == "Norway")
    engaged = rng.random(n) < 1 / (1 + np.exp(-lin))

    def logistic(x):
        return 1 / (1 + np.exp(-x))

    base_ret = 0.8 + 0.5 * ten_z + 0.3 * size_z - 0.3 * (reg == "Iran") + 0.2 * (chan == "referral")
    p_ret1, p_ret0 = logistic(base_ret + _LOGIT_EFFECT_RETENTION), logistic(base_ret)
    retained = rng.random(n) < np.where(engaged, p_ret1, p_ret0)
    base_up = -1.7 + 0.4 * size_z + 0.3 * (seg == "company") + 0.15 * ten_z
    p_up1, p_up0 = logistic(base_up + _LOGIT_EFFECT_UPSELL), logistic(base_up)
    upsold = rng.random(n) < np.where(engaged, p_up1, p_up0)
    has_deal = rng.random(n) < 0.4
    mu0 = np.exp(7.6 + 0.45 * size_z + 0.12 * ten_z + 0.2 * (seg == "company"))
    mu1 = mu0 * np.exp(_LOG_EFFECT_DEAL)
    deal = np.round(rng.gamma(5.0, np.where(engaged, mu1, mu0) / 5.0), 2)
    rate = np.exp(np.log(1 / 60) + _LOG_HR_CLOSE * engaged + 0.15 * size_z)
    close_time = np.ceil(rng.exponential(1 / rate))
    window = rng.integers(20, 241, n)
    won = close_time <= window
    days = np.minimum(close_time, window).astype(int)
    accounts = rng.integers(0, 2200, n)

    rows = []
    for i in range(n):
        d = has_deal[i]
        rows.append([f"C{i + 1:05d}", f"A{accounts[i]:04d}", seg[i], reg[i], chan[i], int(employees[i]),
                     f"{tenure[i]:.1f}", "yes" if engaged[i] else "no", int(retained[i]), int(upsold[i]),
                     f"{deal[i]:.2f}" if d else "", str(days[i]) if d else "", int(won[i]) if d else ""])
    text = _csv(rows, ["customer_id", "account_id", "segment", "region", "acquisition_channel", "employees",
                       "tenure_years", "engaged_social", "retained_12m", "upsold", "deal_size", "days_to_close",
                       "deal_won"])
    e = engaged
    ed = engaged & has_deal
    sv = SEGMENT_VALUES
    ann = (1 - (1 + sv["discount_rate"]) ** (-sv["horizon_years"])) / sv["discount_rate"]
    att_ret = float(np.mean((p_ret1 - p_ret0)[e]))
    att_up = float(np.mean((p_up1 - p_up0)[e]))
    att_deal = float(np.mean((mu1 - mu0)[ed]))
    truth = {
        "customers": n,
        "engaged": int(e.sum()),
        "engaged_with_deal": int(ed.sum()),
        "retention_att": round(att_ret, 6),
        "retention_naive": round(float(retained[e].mean() - retained[~e].mean()), 6),
        "retention_value": round(att_ret * int(e.sum()) * sv["annual_value"] * ann, 6),
        "upsell_att": round(att_up, 6),
        "upsell_value": round(att_up * int(e.sum()) * sv["value_per_upsell"], 6),
        "deal_size_att": round(att_deal, 6),
        "deal_size_ratio": round(float(np.exp(_LOG_EFFECT_DEAL)), 6),
        "deal_size_value": round(att_deal * int(ed.sum()), 6),
        "time_to_close_hazard_ratio": round(float(np.exp(_LOG_HR_CLOSE)), 6),
    }
    return text, truth, {"engaged": engaged, "size_z": size_z, "ten_z": ten_z, "seg": seg}


SUPPORT: dict[str, Any] = {"cost_per_ticket": 7.8, "views": 52_000, "survey_yes": 18, "survey_n": 400, "launch_week": 60,
           "weeks": 104, "level_shift": -35.0}
_CHANNEL_COSTS = {"email": 6.9, "phone": 11.4, "chat": 5.6, "social": 3.2}
_LOG_RR_TICKETS = math.log(0.8)


def _support(seed: int, cust: dict) -> tuple[dict[str, str], dict]:
    """Ticket log (planted engagement rate ratio 0.8, overdispersed), channel costs, a weekly series.

    Engaged customers file 20% fewer tickets than they would without
    engagement, and more of their tickets arrive on social. Ticket counts are
    gamma-Poisson (negative binomial, alpha = 0.5). The weekly series has a
    trend, annual seasonality and a planted drop of 35 tickets a week from
    the launch of social customer care.
    """
    rng = np.random.default_rng(seed + 2)
    e, size_z, ten_z = cust["engaged"], cust["size_z"], cust["ten_z"]
    n = len(e)
    mu0 = np.exp(0.9 + 0.35 * size_z - 0.15 * ten_z)
    mu = mu0 * np.exp(_LOG_RR_TICKETS * e)
    counts = rng.poisson(mu * rng.gamma(2.0, 0.5, n))  # gamma frailty with mean 1, variance 0.5
    channels = np.array(list(_CHANNEL_COSTS))
    rows = []
    start = np.datetime64("2026-01-01")
    k = 0
    for i in range(n):
        p_social = 0.30 if e[i] else 0.08
        probs = np.array([0.45, 0.25, 0.22, 0.0]) * (1 - p_social) / 0.92
        probs[3] = p_social
        for _ in range(int(counts[i])):
            k += 1
            ch = channels[rng.choice(4, p=probs / probs.sum())]
            day = start + np.timedelta64(int(rng.integers(0, 304)), "D")
            rows.append([f"T{k:06d}", f"C{i + 1:05d}", str(day), ch])
    order = np.argsort([r[2] for r in rows], kind="stable")
    rows = [rows[int(j)] for j in order]
    tickets_text = _csv(rows, ["ticket_id", "customer_id", "opened", "channel"])
    costs_text = _csv([[c, f"{v:.2f}"] for c, v in _CHANNEL_COSTS.items()], ["channel", "cost_per_ticket"])
    weeks = np.arange(SUPPORT["weeks"])
    post = weeks >= SUPPORT["launch_week"]
    level = 620 + 0.9 * weeks + 45 * np.sin(2 * np.pi * weeks / (365.25 / 7)) + SUPPORT["level_shift"] * post
    weekly = rng.poisson(level)
    dates = np.datetime64("2024-11-04") + 7 * weeks.astype("timedelta64[D]")
    weekly_text = _csv([[str(d), int(c)] for d, c in zip(dates, weekly)], ["week", "tickets"])
    # channel shift, from the log as written
    social = sum(1 for r in rows if r[3] == "social")
    other = [r[3] for r in rows if r[3] != "social"]
    cf_cost = sum(_CHANNEL_COSTS[c] for c in other) / len(other)
    truth = {
        "tickets": len(rows),
        "social_tickets": social,
        "channel_shift_saving": round(social * (cf_cost - _CHANNEL_COSTS["social"]), 6),
        "count_rate_ratio": 0.8,
        "count_dispersion_alpha": 0.5,
        "count_tickets_avoided_expected": round(float(np.sum((mu0 - mu)[e])), 6),
        "series_level_shift": SUPPORT["level_shift"],
        "series_tickets_avoided": float(-SUPPORT["level_shift"] * post.sum()),
        "series_launch": str(dates[SUPPORT["launch_week"]]),
        "deflection_saving": round(SUPPORT["views"] * SUPPORT["survey_yes"] / SUPPORT["survey_n"]
                                   * SUPPORT["cost_per_ticket"], 6),
    }
    files = {"tickets.csv": tickets_text, "channel_costs.csv": costs_text, "support_weekly.csv": weekly_text}
    return files, truth


_CHANNELS = ["linkedin", "instagram", "facebook", "tiktok", "organic search", "paid search", "email", "referral"]
SOCIAL_CHANNELS = ["linkedin", "instagram", "facebook", "tiktok"]


def _touchpoints(seed: int) -> tuple[str, dict]:
    """Journeys of 1-8 touches over eight channels; social touches raise the chance of converting.

    Written as a CRM export: one row per touch, conversion and revenue
    repeated on every row of a journey, a few duplicated events and rows out
    of time order (the reader's documented rules handle both). The truth
    records totals and the first-touch and last-touch social credit,
    computed here from the generated journeys.
    """
    rng = np.random.default_rng(seed + 3)
    n = 6000
    share = np.array([0.10, 0.12, 0.10, 0.06, 0.22, 0.16, 0.16, 0.08])
    rows = []
    total = first_social = last_social = 0.0
    conversions = 0
    start = np.datetime64("2026-01-01T00:00")
    for j in range(n):
        length = int(min(8, 1 + rng.poisson(1.6)))
        chans = rng.choice(len(_CHANNELS), length, p=share)
        offsets = np.sort(rng.integers(0, 60 * 24 * 90, length))  # minutes within 90 days
        n_social = int(np.sum(chans < 4))
        p = 1 / (1 + np.exp(-(-3.0 + 0.45 * n_social + 0.25 * length + 0.4 * np.any(chans == 5))))
        converted = bool(rng.random() < p)
        revenue = round(float(np.exp(5.6 + 0.6 * rng.standard_normal())), 2) if converted else 0.0
        if converted:
            conversions += 1
            total += revenue
            first_social += revenue * (chans[0] < 4)
            last_social += revenue * (chans[-1] < 4)
        for c, m in zip(chans, offsets):
            t = str(start + np.timedelta64(int(m), "m")).replace("T", " ")
            rows.append([f"J{j + 1:05d}", t, _CHANNELS[c].title() if rng.random() < 0.2 else _CHANNELS[c],
                         "yes" if converted else "no", f"{revenue:.2f}" if converted else ""])
        if rng.random() < 0.02:  # a duplicated event
            rows.append(list(rows[-1]))
    # a handful of rows out of time order, as exports give them
    for i in range(0, len(rows) - 1, 997):
        if rows[i][0] == rows[i + 1][0] and rows[i][1] != rows[i + 1][1]:
            rows[i], rows[i + 1] = rows[i + 1], rows[i]
    text = _csv(rows, ["journey_id", "timestamp", "channel", "converted", "revenue"])
    return text, {"journeys": n, "conversions": conversions, "revenue": round(total, 6),
                  "first_touch_social_revenue": round(first_social, 6),
                  "last_touch_social_revenue": round(last_social, 6), "social_channels": SOCIAL_CHANNELS}


_LEAD_CHANNELS = ["linkedin", "instagram", "facebook", "organic search", "paid search", "email", "referral"]
_MICRO_BETA = {"likes": 0.004, "shares": 0.03, "comments": 0.01, "clicks": 0.02}


def _sales(seed: int) -> tuple[dict[str, str], dict]:
    """Leads with scores, a monthly funnel per channel, posts with micro actions, rep activity and messages."""
    rng = np.random.default_rng(seed + 4)
    months = [f"2026-{m:02d}" for m in range(1, 11)]
    # leads
    n = 2500
    score = np.round(100 * rng.beta(2, 2.2, n)).astype(int)
    chan = rng.choice(len(_LEAD_CHANNELS), n, p=[0.14, 0.12, 0.1, 0.22, 0.18, 0.14, 0.1])
    created = np.datetime64("2026-01-01") + rng.integers(0, 300, n).astype("timedelta64[D]")
    p_conv = 1 / (1 + np.exp(-(-3.5 + 0.05 * score)))
    conv = rng.random(n) < p_conv
    days = np.ceil(rng.exponential(60 - 0.4 * score)).astype(int) + 1
    revenue = np.round(np.exp(7.2 + 0.01 * score + 0.4 * rng.standard_normal(n)), 2)
    lead_rows = [[f"L{i + 1:05d}", int(score[i]), _LEAD_CHANNELS[chan[i]], str(created[i]),
                  str(created[i] + np.timedelta64(int(days[i]), "D")) if conv[i] else "",
                  f"{revenue[i]:.2f}" if conv[i] else ""] for i in range(n)]
    band = np.where(score < 40, "slow", np.where(score < 70, "medium", "fast"))
    lead_truth = {b: {"leads": int(np.sum(band == b)), "conversions": int(np.sum((band == b) & conv)),
                      "revenue": round(float(np.sum(revenue[(band == b) & conv])), 6)} for b in ("slow", "medium", "fast")}
    # funnel: LinkedIn's qualified-lead rate halves in the last month
    fun_rows = []
    for ch, reach0 in (("linkedin", 40000), ("instagram", 90000), ("facebook", 70000), ("email", 15000),
                       ("paid search", 30000)):
        for k, m in enumerate(months):
            reach = int(reach0 * (1 + 0.02 * k) * rng.uniform(0.95, 1.05))
            clicks = int(reach * rng.uniform(0.018, 0.022))
            q_rate = 0.12 if not (ch == "linkedin" and k == len(months) - 1) else 0.06
            qualified = int(clicks * q_rate * rng.uniform(0.95, 1.05))
            won = int(qualified * rng.uniform(0.18, 0.22))
            fun_rows.append([m, ch, reach, clicks, qualified, won])
    # posts with micro actions
    n_posts = 400
    acts = {"likes": rng.poisson(60, n_posts), "shares": rng.poisson(6, n_posts), "comments": rng.poisson(10, n_posts),
            "clicks": rng.poisson(25, n_posts)}
    impressions = rng.integers(2000, 20000, n_posts)
    mu = (impressions / 10000) * np.exp(-1.2 + sum(_MICRO_BETA[a] * acts[a] for a in acts))
    conversions = rng.poisson(mu)
    post_rows = [[f"P{i + 1:04d}", int(impressions[i]), *(int(acts[a][i]) for a in acts), int(conversions[i])]
                 for i in range(n_posts)]
    micro_truth = {a: round(float(mu.mean() * b), 8) for a, b in _MICRO_BETA.items()}
    # social selling
    reps = [("Ingrid", "Oslo"), ("Jonas", "Oslo"), ("Sigrid", "Oslo"), ("Anna", "Riga"), ("Janis", "Riga"),
            ("Layla", "Dubai"), ("Omid", "Dubai"), ("Dace", "Riga")]
    act_rows, msg_rows = [], []
    for r, (name, team) in enumerate(reps):
        ssi0, conn = rng.uniform(35, 70), int(rng.integers(300, 1500))
        followers = int(conn * rng.uniform(0.8, 1.6))
        for k, m in enumerate(months):
            inbound = int(rng.poisson(8 + r))
            conn += inbound + int(rng.poisson(5))
            followers += int(rng.poisson(12))
            imp = int(rng.integers(3000, 15000))
            eng = int(imp * rng.uniform(0.01, 0.05))
            received = int(rng.poisson(25))
            act_rows.append([name, team, m, round(ssi0 + 0.8 * k * (1 if r % 3 else -0.5) + rng.normal(0, 1), 1),
                             conn, inbound, followers, imp, eng, int(eng * rng.uniform(0.1, 0.3)),
                             int(rng.poisson(1.2)), int(rng.poisson(6)), received,
                             int(received * rng.uniform(0.6, 0.98))])
        for _ in range(40):
            day = np.datetime64("2026-03-02") + np.timedelta64(int(rng.integers(0, 60)), "D")
            at = day + np.timedelta64(int(rng.integers(7, 20)), "h") + np.timedelta64(int(rng.integers(0, 60)), "m")
            reply = "" if rng.random() < 0.15 else str(at + np.timedelta64(int(rng.exponential(180)) + 5, "m"))
            msg_rows.append([name, str(at).replace("T", " "), reply.replace("T", " ")])
    files = {
        "leads.csv": _csv(lead_rows, ["lead_id", "score", "channel", "created", "converted_at", "revenue"]),
        "funnel.csv": _csv(fun_rows, ["period", "channel", "reach", "link_clicks", "qualified_leads", "won_deals"]),
        "posts.csv": _csv(post_rows, ["post_id", "impressions", *acts, "conversions"]),
        "selling_activity.csv": _csv(act_rows, ["rep", "team", "period", "ssi", "connections", "inbound_connections",
                                                "followers", "impressions", "engagements", "clicks", "referrals",
                                                "conversations_started", "messages_received", "messages_replied"]),
        "messages.csv": _csv(msg_rows, ["rep", "received", "replied"]),
    }
    truth = {"leads_by_band": lead_truth, "funnel_bottleneck": {"channel": "linkedin", "stage": "qualified_leads",
                                                                "period": months[-1]},
             "micro_action_conversions_per_action": micro_truth}
    return files, truth


# the Instagram holdout test: subscribers who follow the shop on Instagram, randomised half and half; the test
# half saw the creator series in their feeds for four weeks, the holdout did not
LIFT_TEST = {"units": 12_000, "split": 0.5, "purchase_control": 0.035, "purchase_test": 0.046,
             "order_log_mean": 4.3, "order_log_sd": 0.55}


def _lift_test(seed: int) -> tuple[str, dict]:
    """A randomised holdout test: one row per subscriber with group, purchase flag and 28-day revenue.

    The planted effect is the expected revenue per test-group subscriber minus that of control:
    (purchase rate difference) x (mean order value), valued over the test group's size.
    """
    rng = np.random.default_rng(seed + 5)
    lt = LIFT_TEST
    n = int(lt["units"])
    test = rng.random(n) < lt["split"]
    bought = rng.random(n) < np.where(test, lt["purchase_test"], lt["purchase_control"])
    orders = np.round(np.exp(lt["order_log_mean"] + lt["order_log_sd"] * rng.standard_normal(n)), 2)
    revenue = np.where(bought, orders, 0.0)
    rows = [[f"S{i + 1:05d}", "test" if test[i] else "holdout", int(bought[i]), f"{revenue[i]:.2f}"] for i in range(n)]
    mean_order = math.exp(lt["order_log_mean"] + lt["order_log_sd"] ** 2 / 2)
    effect = (lt["purchase_test"] - lt["purchase_control"]) * mean_order
    n_test = int(test.sum())
    truth = {"units": n, "test_units": n_test, "effect_per_unit": round(effect, 6),
             "value": round(effect * n_test, 6), "purchase_rate_difference": lt["purchase_test"] - lt["purchase_control"]}
    return _csv(rows, ["subscriber_id", "group", "purchased", "revenue_28d"]), truth


# a creator campaign that ran in one Norwegian county (Vestland) only: local creators and geo-targeted posts for
# 12 weeks from 2026-07-06; weekly web orders of every county, two years before it
CAMPAIGN: dict[str, Any] = {"treated": "Vestland", "launch": "2026-07-06", "first_week": "2024-07-01", "pre_weeks": 105,
            "post_weeks": 12, "extra_orders_per_week": 20.0, "value_per_order": 40.0, "noise_sd": 6.0}
COUNTIES = {"Oslo": 2.9, "Akershus": 2.6, "Vestland": 2.0, "Trøndelag": 1.8, "Rogaland": 1.8, "Innlandet": 1.3,
            "Agder": 1.2, "Østfold": 1.2, "Buskerud": 1.1, "Møre og Romsdal": 1.0, "Vestfold": 1.0, "Nordland": 0.9,
            "Telemark": 0.7, "Troms": 0.7, "Finnmark": 0.3}


def _campaign(seed: int) -> tuple[str, dict]:
    """Weekly web orders per county (long format: county, week, orders) with a planted campaign effect.

    Each county's orders are its size x (a shared seasonal pattern + two shared trends with county loadings) plus
    noise; Vestland's loadings lie inside the other counties' range, so a weighted mix of them can track it. From
    the launch on, Vestland gets ``extra_orders_per_week`` more orders a week; the planted value is that times the
    weeks times the value per order.
    """
    rng = np.random.default_rng(seed + 6)
    c = CAMPAIGN
    weeks = int(c["pre_weeks"]) + int(c["post_weeks"])
    start = np.datetime64(c["first_week"])
    dates = [str(start + np.timedelta64(7 * i, "D")) for i in range(weeks)]
    t = np.arange(weeks)
    season = 1.0 + 0.25 * np.sin(2 * np.pi * (t - 14) / 52.18) + 0.15 * np.exp(-((t % 52.18 - 24) / 3.0) ** 2)
    trends = np.cumsum(rng.normal(0, 0.012, (weeks, 2)), axis=0)
    names = list(COUNTIES)
    loadings = rng.uniform(0.4, 1.6, (len(names), 2))
    treated = names.index(str(c["treated"]))
    loadings[treated] = [1.0, 1.0]  # inside the others' range
    rows = []
    for j, name in enumerate(names):
        size = COUNTIES[name] * 60.0
        y = size * (season + trends @ loadings[j]) + rng.normal(0, c["noise_sd"], weeks)
        if j == treated:
            y[int(c["pre_weeks"]):] += c["extra_orders_per_week"]
        rows += [[name, dates[i], int(round(max(y[i], 0.0)))] for i in range(weeks)]
    extra = float(c["extra_orders_per_week"]) * int(c["post_weeks"])
    truth = {"treated": c["treated"], "launch": c["launch"], "weeks": int(c["post_weeks"]),
             "extra_orders_per_week": c["extra_orders_per_week"], "extra_orders": extra,
             "value_per_order": c["value_per_order"], "value": round(extra * float(c["value_per_order"]), 6)}
    assert dates[int(c["pre_weeks"])] == c["launch"]
    return _csv(rows, ["county", "week", "orders"]), truth


def _csv(rows: list[list], header: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def generate(seed: int = SEED) -> dict[str, str]:
    """Build every file of the example. Returns file name -> text."""
    rng = np.random.default_rng(seed)
    canon = _canonical_keywords()
    n = len(canon)
    langs = np.array([lang for lang, _ in canon])
    # true CPC range per canonical keyword (EUR)
    median = np.array([_LANG_CPC.get(lang, 1.5) for lang in langs])
    mid = np.round(median * np.exp(0.6 * rng.standard_normal(n)), 2) + 0.05
    half_width = np.round(mid * (0.25 + 0.35 * rng.random(n)), 2)
    low, high = np.round(mid - half_width, 2), np.round(mid + half_width, 2)
    mid = (low + high) / 2.0
    # true clicks: heavy-tailed, brand terms large
    clicks_true = np.floor(np.exp(2.3 + 1.3 * rng.standard_normal(n))).astype(int) + 1
    clicks_true[langs == "brand"] *= 40
    # which keywords the CPC export covers: 90% of non-brand, and every brand term
    in_cpc = (rng.random(n) < 0.90) | (langs == "brand")
    no_bid = in_cpc & (rng.random(n) < 0.03) & (langs != "brand")  # listed with blank bids

    traffic_rows: list[Any] = []
    split_clicks = np.zeros(n, dtype=int)
    for i, (lang, kw) in enumerate(canon):
        spellings = _variants(lang, kw, rng)
        # split the keyword's clicks across its spellings
        shares = rng.dirichlet(np.ones(len(spellings))) if len(spellings) > 1 else np.array([1.0])
        parts = np.floor(shares * clicks_true[i]).astype(int)
        parts[0] += clicks_true[i] - parts.sum()
        for s, c in zip(spellings, parts):
            if c <= 0:
                continue
            impressions = int(c * (5 + 40 * rng.random()))
            position = round(1 + 14 * float(rng.random()) ** 2, 1)
            traffic_rows.append([s, int(c), impressions, f"{100 * c / impressions:.2f}%", position])
            split_clicks[i] += c
    order = rng.permutation(len(traffic_rows))
    traffic_rows = [traffic_rows[int(j)] for j in order]
    traffic_rows.sort(key=lambda r: -r[1])  # search consoles sort by clicks

    cpc_rows = []
    for i, (lang, kw) in enumerate(canon):
        if not in_cpc[i]:
            continue
        spelling = kw.translate(_FA_TO_AR) if lang == "fa" else (kw.title() if rng.random() < 0.3 else kw)
        searches = int(10 * np.exp(3 + 1.5 * rng.random()))
        if no_bid[i]:
            cpc_rows.append([spelling, CURRENCY, searches, "", ""])
            continue
        cpc_rows.append([spelling, CURRENCY, searches, f"{low[i]:.2f}", f"{high[i]:.2f}"])
        if rng.random() < 0.04:  # listed again (another match type), same bids
            cpc_rows.append([f"  {spelling.upper()}", CURRENCY, searches, f"{low[i]:.2f}", f"{high[i]:.2f}"])
    cpc_text = "Keyword Stats 2026-01-01 - 2026-10-31\nAll locations\n" + _csv(
        cpc_rows, ["Keyword", "Currency", "Avg. monthly searches", "Top of page bid (low range)",
                   "Top of page bid (high range)"])

    # social reach
    platforms = ["linkedin", "instagram", "facebook", "tiktok", "youtube"]
    metrics = {"linkedin": (410_000, 5_200, 14_800), "instagram": (1_350_000, 6_100, 61_000),
               "facebook": (880_000, 7_900, 19_500), "tiktok": (2_400_000, 3_300, 88_000),
               "youtube": (520_000, 2_600, 9_400)}
    card = {"linkedin": (31.0, 26.0, 38.0, 5.80, 1.45), "instagram": (7.9, 6.0, 9.5, 1.05, 0.14),
            "facebook": (9.1, 7.0, 11.0, 0.95, 0.17), "tiktok": (5.6, 4.0, 7.0, 0.70, 0.05),
            "youtube": (8.4, 6.5, 10.5, 0.60, 0.09)}
    metric_rows = []
    for q in (1, 2, 3, 4):  # quarterly rows per platform
        for p in platforms:
            imp, clk, eng = metrics[p]
            metric_rows.append([p.capitalize() if q % 2 else p, f"2026-Q{q}", imp // 4, clk // 4, eng // 4])
    rate_rows = [[p, *card[p], CURRENCY] for p in platforms]
    social_truth = {}
    social_low = social_high = 0.0
    for p in platforms:
        imp, clk, eng = (v // 4 * 4 for v in metrics[p])
        cpm, cpm_lo, cpm_hi, cpc_p, cpe = card[p]
        buys = [imp / 1000 * cpm, clk * cpc_p, eng * cpe]
        social_truth[p] = max(buys)
        social_low += max(imp / 1000 * cpm_lo, clk * cpc_p, eng * cpe)
        social_high += max(imp / 1000 * cpm_hi, clk * cpc_p, eng * cpe)

    # cost ledger
    cost_rows: list[Any] = [
        ["staff time", "Social media manager (0.6 FTE)", "", 1_030, 52.0, "", "", CURRENCY],
        ["staff time", "Content writer (0.4 FTE)", "", 690, 47.5, "", "", CURRENCY],
        ["staff time", "Customer care on social (0.3 FTE)", "", 520, 41.0, "", "", CURRENCY],
        ["tools", "Social scheduling and listening", 4_788.0, "", "", "", "", CURRENCY],
        ["tools", "Design tool licences", 1_440.0, "", "", "", "", CURRENCY],
        ["ad spend", "Boosted posts", 18_000.0, "", "", 15_000.0, 21_000.0, CURRENCY, "facebook"],
        ["agency", "Video production agency", 12_500.0, "", "", "", "", CURRENCY],
        ["refunds and discounts", "Social-only discount codes", 3_900.0, "", "", 3_200.0, 4_800.0, CURRENCY,
         "instagram"],
        ["research", "Audience survey", 2_200.0, "", "", "", "", CURRENCY],
        ["training", "Conference and course fees", 1_850.0, "", "", "", "", CURRENCY],
        ["staff time", "Community manager (0.3 FTE)", "", 520, 44.0, "", "", CURRENCY],
        ["agency", "Creator partnerships", 24_000.0, "", "", 22_000.0, 27_000.0, CURRENCY, "instagram"],
    ]
    cost_rows = [r + [""] * (9 - len(r)) for r in cost_rows]  # channel: only for channel-specific lines
    costs_total = sum((r[3] * r[4]) if r[2] == "" else r[2] for r in cost_rows)

    # planted traffic truth (from canonical data)
    nonbrand = langs != "brand"
    priced = in_cpc & ~no_bid & nonbrand
    clicks = split_clicks.astype(float)
    traffic_value = REPLACEMENT_SHARE * float(np.sum(clicks[priced] * mid[priced]))
    truth: dict[str, Any] = {
        "seed": seed,
        "currency": CURRENCY,
        "replacement_share": REPLACEMENT_SHARE,
        "brand_term": BRAND,
        "keywords_canonical": int(n),
        "keywords_nonbrand": int(nonbrand.sum()),
        "keywords_priced": int(priced.sum()),
        "traffic_rows": len(traffic_rows),
        "clicks_total": int(clicks.sum()),
        "clicks_brand": int(clicks[~nonbrand].sum()),
        "clicks_priced": int(clicks[priced].sum()),
        "clicks_unpriced_nonbrand": int(clicks[nonbrand & ~priced].sum()),
        "traffic_value": round(traffic_value, 6),
        "traffic_value_low": round(REPLACEMENT_SHARE * float(np.sum(clicks[priced] * low[priced])), 6),
        "traffic_value_high": round(REPLACEMENT_SHARE * float(np.sum(clicks[priced] * high[priced])), 6),
        "social_reach_value": round(sum(social_truth.values()), 6),
        "social_reach_low": round(social_low, 6),
        "social_reach_high": round(social_high, 6),
        "direct_revenue": DIRECT_REVENUE,
        "costs_total": round(costs_total, 6),
    }
    customers_text, segment_truth, cust = _customers(seed)
    truth["segments"] = segment_truth
    support_files, truth["support"] = _support(seed, cust)
    touch_text, truth["attribution"] = _touchpoints(seed)
    sales_files, truth["sales"] = _sales(seed)
    lift_text, truth["lift_test"] = _lift_test(seed)
    campaign_text, truth["incrementality"] = _campaign(seed)
    sup = truth["support"]
    hard = DIRECT_REVENUE + sup["channel_shift_saving"]  # channel shift is counted from the log: hard
    total_value = truth["traffic_value"] + truth["social_reach_value"] + DIRECT_REVENUE
    truth["hard_roi_percent"] = round((hard - costs_total) / costs_total * 100, 6)
    truth["blended_roi_percent_without_segments_and_support"] = round((total_value - costs_total) / costs_total * 100,
                                                                      6)
    # planted values of every counted component (time to close is left out: its value is estimated, not planted)
    planted = (total_value + sum(segment_truth[k] for k in ("retention_value", "upsell_value", "deal_size_value"))
               + sup["channel_shift_saving"] + sup["count_tickets_avoided_expected"] * SUPPORT["cost_per_ticket"]
               + truth["lift_test"]["value"] + truth["incrementality"]["value"])
    truth["blended_roi_percent_planted"] = round((planted - costs_total) / costs_total * 100, 6)
    project = f"""# The bundled example: Nordlys Outdoor, an outdoor-gear retailer selling in
# Norway, Latvia, the Gulf and Iran. Made by socialroi.datasets.generate (seed {seed});
# truth.json holds the values it planted.

[project]
name = "Nordlys Outdoor"
currency = "{CURRENCY}"
period = "2026-01 to 2026-10"
seed = 1
draws = 10000

[traffic]
keywords = "keywords.csv"
cpc = "cpc.csv"
replacement_share = {REPLACEMENT_SHARE}
brand_terms = ["{BRAND}"]
unmatched = "exclude"
cpc_point = "mid"

[social]
metrics = "social_metrics.csv"
rate_card = "rate_card.csv"
basis = "max"

[direct_revenue]
amount = {DIRECT_REVENUE:.0f}

[segments]
customers = "customers.csv"
id = "customer_id"
engaged = "engaged_social"
covariates = ["log(employees)", "tenure_years", "segment", "region", "acquisition_channel"]
cluster = "account_id"
method = "doubly_robust"

[[segments.outcomes]]
name = "retention"
column = "retained_12m"
kind = "binary"
value = "retention"
annual_value = {SEGMENT_VALUES["annual_value"]:g}
horizon_years = {SEGMENT_VALUES["horizon_years"]:g}
discount_rate = {SEGMENT_VALUES["discount_rate"]:g}

[[segments.outcomes]]
name = "upsell"
column = "upsold"
kind = "binary"
value = "upsell"
value_per_event = {SEGMENT_VALUES["value_per_upsell"]:g}

[[segments.outcomes]]
name = "deal_size"
column = "deal_size"
kind = "amount"
value = "deal_size"

[[segments.outcomes]]
name = "time_to_close"
column = "days_to_close"
event = "deal_won"
kind = "duration"
horizon = {SEGMENT_VALUES["time_to_close_horizon"]:g}
value = "time_to_close"
discount_rate = {SEGMENT_VALUES["discount_rate"]:g}

[support]
cost_per_ticket = {SUPPORT["cost_per_ticket"]:g}
# deflection and the measured methods count the same never-filed tickets: count one of them
count = ["channel_shift", "measured_counts"]

[support.deflection]
views = {SUPPORT["views"]}
survey_yes = {SUPPORT["survey_yes"]}
survey_n = {SUPPORT["survey_n"]}

[support.channel_shift]
tickets = "tickets.csv"
channel_costs = "channel_costs.csv"
social_channels = ["social"]

[support.measured_counts]
customers = "customers.csv"
tickets = "tickets.csv"
id = "customer_id"
engaged = "engaged_social"
covariates = ["log(employees)", "tenure_years"]

[support.measured_series]
weekly = "support_weekly.csv"
launch = "{truth["support"]["series_launch"]}"

# a randomised holdout test of the Instagram creator series (evidence grade: experiment)
[[lift_tests]]
name = "instagram_holdout"
label = "Instagram creator series"
file = "lift_test.csv"
outcome = "revenue_28d"
kind = "amount"
test = "test"
control = "holdout"
split = {LIFT_TEST["split"]:g}

# a creator campaign in one county, against the other counties (synthetic control; evidence: quasi_experiment)
[[incrementality]]
name = "vestland_creators"
label = "Vestland creator campaign"
file = "county_orders.csv"
outcome = "orders"
time = "week"
unit = "county"
treated = "{CAMPAIGN["treated"]}"
launch = {CAMPAIGN["launch"]}
value_per_unit = {CAMPAIGN["value_per_order"]:g}  # gross value of one web order, EUR

[costs]
ledger = "costs.csv"

# --- lead cycle and funnel (shown in socialroi report) ---------------------------------------------
[leads]
file = "leads.csv"
social_channels = ["linkedin", "instagram", "facebook"]

[funnel]
file = "funnel.csv"
micro = "posts.csv"
actions = ["likes", "shares", "comments", "clicks"]
conversion_value = 450
exposure = "impressions"

# --- scenarios for finance: socialroi simulate project.toml ---------------------------------------
[assumptions]
"traffic.replacement_share" = {{ dist = "triangular", low = 0.6, mode = 0.8, high = 0.95 }}
"traffic.cpc_multiplier" = {{ dist = "pert", low = 0.8, mode = 1.0, high = 1.3 }}
"social.rate_multiplier" = {{ dist = "pert", low = 0.6, mode = 1.0, high = 1.2 }}
"direct_revenue.amount" = {{ dist = "normal", mean = 48000, sd = 4000, low = 0 }}
"segments.retention.effect_multiplier" = {{ dist = "uniform", low = 0.7, high = 1.0 }}
"segments.retention.annual_value" = {{ dist = "lognormal", mean = 900, sd = 120 }}
"segments.retention.horizon_years" = {{ dist = "triangular", low = 1, mode = 2, high = 3 }}
"segments.retention.discount_rate" = {{ dist = "uniform", low = 0.06, high = 0.14 }}
"segments.upsell.value_per_event" = {{ dist = "pert", low = 450, mode = 600, high = 800 }}
"segments.deal_size.effect_multiplier" = {{ dist = "uniform", low = 0.5, high = 1.0 }}
"support.cost_per_ticket" = {{ dist = "triangular", low = 6.5, mode = 7.8, high = 10 }}
"support.channel_shift.multiplier" = {{ dist = "uniform", low = 0.9, high = 1.1 }}
"costs.hourly_rate_multiplier" = {{ dist = "normal", mean = 1.0, sd = 0.05, low = 0.85, high = 1.2 }}
"costs.Social scheduling and listening" = {{ dist = "uniform", low = 4500, high = 5200 }}
"costs.Design tool licences" = {{ dist = "uniform", low = 1300, high = 1600 }}
"costs.Boosted posts" = {{ dist = "pert", low = 15000, mode = 18000, high = 22000 }}
"costs.Video production agency" = {{ dist = "triangular", low = 11000, mode = 12500, high = 16000 }}
"costs.Social-only discount codes" = {{ dist = "pert", low = 3000, mode = 3900, high = 5000 }}
"costs.Audience survey" = {{ dist = "uniform", low = 2000, high = 2600 }}
"costs.Conference and course fees" = {{ dist = "uniform", low = 1500, high = 2400 }}
"costs.Social media manager (0.6 FTE)" = {{ dist = "normal", mean = 53560, sd = 2500, low = 45000 }}
"costs.Creator partnerships" = {{ dist = "pert", low = 22000, mode = 24000, high = 27000 }}

[scenarios.pessimistic]
"traffic.replacement_share" = 0.5
"social.rate_multiplier" = 0.6
"segments.retention.effect_multiplier" = 0.5
"segments.deal_size.effect_multiplier" = 0.0

[scenarios.optimistic]
"traffic.replacement_share" = 0.95
"segments.retention.effect_multiplier" = 1.0

# costs and reach move together: more boosting buys more reach
[[correlations]]
a = "costs.Boosted posts"
b = "social.rate_multiplier"
rank = 0.5

[cashflows]
years = 3
frequency = "month"
discount_rate = 0.1
upfront_cost = 15000
value_growth = 0.05
"""
    return {
        "keywords.csv": _csv(traffic_rows, ["Top queries", "Clicks", "Impressions", "CTR", "Position"]),
        "cpc.csv": cpc_text,
        "social_metrics.csv": _csv(metric_rows, ["platform", "quarter", "impressions", "clicks", "engagements"]),
        "rate_card.csv": _csv(rate_rows, ["platform", "cpm", "cpm_low", "cpm_high", "cpc", "cpe", "currency"]),
        "costs.csv": _csv(cost_rows, ["category", "item", "amount", "hours", "hourly_rate", "low", "high",
                                      "currency", "channel"]),
        "customers.csv": customers_text,
        **support_files,
        "touchpoints.csv": touch_text,
        **sales_files,
        "lift_test.csv": lift_text,
        "county_orders.csv": campaign_text,
        "project.toml": project,
        "truth.json": json.dumps(truth, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
    }


def write(out_dir: str | Path, seed: int = SEED) -> list[Path]:
    """Write the example's files into ``out_dir`` (UTF-8, LF line ends)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generate(seed).items():
        path = out_dir / name
        path.write_bytes(text.encode("utf-8"))
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("example")
    for p in write(target):
        print(p)
