"""The bad-input corpus: small broken files for every command and the project file, made on the fly.

Each case is ``(id, files, argv)``: ``files`` maps a file name to its bytes
(written into a fresh folder), ``argv`` is the command line with ``{dir}``
standing for that folder. Every case must end with exit 2 and one line on
standard error that names the file (and, where there is one, the column
and row) and says what to do; nothing written; inputs unchanged.

The cases come from a few valid base tables and systematic damage:

- file-level: missing, empty, a folder, a header only, binary bytes, a
  required column renamed away, a ragged row, a stray quote;
- cell-level: for every column that must hold a number, date, flag or
  name, each kind of bad value in the first, a middle and the last row;
- project-level: every key of the project file given a wrong type, an
  impossible value, NaN or infinity, or misspelt; required keys missing.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

Case = tuple[str, dict[str, bytes], list[str]]


def _csv(rows: list[list[str]]) -> bytes:
    def cell(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\n\r') else v

    return ("\n".join(",".join(cell(v) for v in r) for r in rows) + "\n").encode("utf-8")


# ---- valid base tables, small enough to fit every command

KEYWORDS = [["Query", "Clicks"], ["hiking boots", "120"], ["rain jacket", "80"], ["tent", "40"], ["sleeping bag", "30"],
            ["headlamp", "20"]]
CPC = [["Keyword", "CPC"], ["hiking boots", "1.20"], ["rain jacket", "0.90"], ["tent", "1.50"], ["sleeping bag", "0.70"],
       ["headlamp", "0.40"]]


def _customers(n: int = 120) -> list[list[str]]:
    rows = [["customer_id", "engaged", "size", "region", "retained", "spend", "tenure", "churned"]]
    for i in range(n):
        rows.append([f"C{i:03d}", "yes" if i % 3 == 0 else "no", f"{10 + (i * 7) % 50}", ["north", "south"][i % 2],
                     str((i * 5) % 3 == 0 and 1 or 0), f"{100 + (i * 13) % 90}.5", str(1 + (i * 11) % 30),
                     str(i % 4 == 0 and 1 or 0)])
    return rows


def _leads() -> list[list[str]]:
    rows = [["lead_id", "score", "channel", "created", "converted_at", "revenue"]]
    for i in range(30):
        conv = f"2026-02-{1 + i % 27:02d}" if i % 3 == 0 else ""
        rows.append([f"L{i}", str(10 + 3 * i), ["linkedin", "email", "search"][i % 3], f"2026-01-{1 + i % 28:02d}",
                     conv, "500" if conv else ""])
    return rows


def _touchpoints() -> list[list[str]]:
    rows = [["journey_id", "timestamp", "channel", "converted", "revenue"]]
    for j in range(20):
        conv = j % 2 == 0
        for k in range(3):
            rows.append([f"J{j}", f"2026-03-{1 + k:02d} 10:00", ["linkedin", "search", "email"][(j + k) % 3],
                         "yes" if conv else "no", "300" if conv else ""])
    return rows


FUNNEL = [["period", "channel", "reach", "link_clicks", "qualified_leads", "won_deals"],
          ["2026-01", "linkedin", "1000", "100", "20", "5"], ["2026-02", "linkedin", "1100", "110", "22", "6"],
          ["2026-01", "search", "900", "90", "15", "4"], ["2026-02", "search", "950", "95", "16", "3"]]
SELLING = [["rep", "team", "period", "ssi", "connections", "impressions", "engagements"],
           ["Ingrid", "Oslo", "2026-01", "52.0", "890", "7803", "361"], ["Ingrid", "Oslo", "2026-02", "50.6", "896", "8769", "188"],
           ["Janis", "Riga", "2026-01", "61.0", "640", "5100", "220"], ["Janis", "Riga", "2026-02", "60.1", "650", "5300", "240"]]
MESSAGES = [["rep", "received", "replied"], ["Ingrid", "2026-04-06 08:54", "2026-04-06 11:30"],
            ["Janis", "2026-03-18 16:38", ""], ["Janis", "2026-03-17 09:30", "2026-03-17 10:36"]]
COSTS = [["category", "item", "amount", "hours", "hourly_rate", "low", "high"],
         ["staff time", "Social media manager", "", "100", "50", "", ""],
         ["tools", "Scheduler", "1200", "", "", "1000", "1500"], ["ad spend", "Boosts", "800", "", "", "", ""]]
RATE_CARD = [["platform", "cpm", "cpc"], ["linkedin", "31.0", "5.8"], ["instagram", "7.9", "1.05"]]
METRICS = [["platform", "impressions", "clicks"], ["linkedin", "100000", "1300"], ["instagram", "300000", "1500"]]

PROJECT = """[project]
name = "Bad inputs"
currency = "EUR"
seed = 1
draws = 200

[traffic]
keywords = "keywords.csv"
cpc = "cpc.csv"
replacement_share = 0.8

[social]
metrics = "metrics.csv"
rate_card = "rate_card.csv"

[direct_revenue]
amount = 5000

[costs]
ledger = "costs.csv"
"""
PROJECT_FILES = {"keywords.csv": _csv(KEYWORDS), "cpc.csv": _csv(CPC), "metrics.csv": _csv(METRICS),
                 "rate_card.csv": _csv(RATE_CARD), "costs.csv": _csv(COSTS)}

# (command argv with {f} for the damaged file, the base table, the other files, columns that must be refused with
# each bad value: column -> kinds of damage that must be an error)
NUMBER_BAD = ["abc", "12abc", "1.2.3", "--5", "inf", "nan", "#N/A", "1e999"]
COUNT_BAD = NUMBER_BAD + ["-3", "1.5"]
DATE_BAD = ["yesterday", "2026-13-01", "2026-02-30", "32.01.2026", "2026/1/1/1", "12:00"]
FLAG_BAD = ["maybe", "2", "y e s"]

COMMANDS = [
    ("traffic-keywords", ["traffic", "{dir}/bad.csv", "{dir}/cpc.csv"], KEYWORDS, {"cpc.csv": _csv(CPC)},
     {"Clicks": COUNT_BAD}),
    ("traffic-cpc", ["traffic", "{dir}/keywords.csv", "{dir}/bad.csv"], CPC, {"keywords.csv": _csv(KEYWORDS)},
     {"CPC": NUMBER_BAD + ["-1.20"]}),
    ("segments", ["segments", "{dir}/bad.csv", "--engaged", "engaged", "--outcome", "retained:binary", "--outcome",
                  "spend:amount", "--covariates", "size,region", "--id", "customer_id"], _customers(), {},
     {"engaged": FLAG_BAD + [""], "retained": FLAG_BAD + ["0.5"], "spend": NUMBER_BAD + ["-4", "0"],
      "size": [""], "customer_id": ["C001"]}),
    ("segments-duration", ["segments", "{dir}/bad.csv", "--engaged", "engaged", "--outcome",
                           "tenure:duration:churned", "--horizon", "12"], _customers(), {},
     {"tenure": NUMBER_BAD + ["-1", "0"], "churned": FLAG_BAD}),
    ("leads", ["leads", "{dir}/bad.csv", "--social", "linkedin"], _leads(), {},
     {"score": NUMBER_BAD, "created": DATE_BAD + [""], "channel": [""]}),
    ("attribution", ["attribution", "{dir}/bad.csv", "--social", "linkedin"], _touchpoints(), {},
     {"timestamp": DATE_BAD + [""], "converted": FLAG_BAD, "journey_id": [""], "channel": [""]}),
    ("funnel", ["funnel", "{dir}/bad.csv"], FUNNEL, {},
     {"reach": NUMBER_BAD + ["-10"], "link_clicks": NUMBER_BAD + ["-1"], "won_deals": NUMBER_BAD}),
    ("selling", ["selling", "{dir}/bad.csv"], SELLING, {},
     {"connections": NUMBER_BAD, "impressions": NUMBER_BAD}),
    ("selling-messages", ["selling", "{dir}/selling.csv", "--messages", "{dir}/bad.csv"], MESSAGES,
     {"selling.csv": _csv(SELLING)}, {"received": DATE_BAD + [""], "replied": DATE_BAD}),
    ("roi-costs", ["roi", "{dir}/project.toml"], COSTS, {**PROJECT_FILES, "project.toml": PROJECT.encode()},
     {"amount": NUMBER_BAD + ["-5"], "hours": NUMBER_BAD + ["-1"], "hourly_rate": NUMBER_BAD, "category": [""]}),
    ("roi-rate-card", ["roi", "{dir}/project.toml"], RATE_CARD, {**PROJECT_FILES, "project.toml": PROJECT.encode()},
     {"cpm": NUMBER_BAD + ["-1"], "platform": [""]}),
    ("roi-metrics", ["roi", "{dir}/project.toml"], METRICS, {**PROJECT_FILES, "project.toml": PROJECT.encode()},
     {"impressions": COUNT_BAD}),
]
WEEKLY = [["week", "tickets"]] + [[f"2025-{1 + (i // 4):02d}-{1 + 7 * (i % 4):02d}", str(600 - i)] for i in range(40)]
TICKETS = [["ticket_id", "customer_id", "opened", "channel"]] + [
    [f"T{i}", f"C{i % 30:03d}", f"2026-01-{1 + i % 28:02d}", ["chat", "phone", "social"][i % 3]] for i in range(60)]
CHANNEL_COSTS = [["channel", "cost_per_ticket"], ["chat", "6.0"], ["phone", "9.5"], ["social", "3.0"]]
SUPPORT_PROJECT = PROJECT + """
[support]
cost_per_ticket = 7.8
count = ["channel_shift", "measured_series"]

[support.channel_shift]
tickets = "tickets.csv"
channel_costs = "channel_costs.csv"
social_channels = ["social"]

[support.measured_series]
weekly = "weekly.csv"
launch = "2025-05-01"
"""
SUPPORT_FILES = {**PROJECT_FILES, "weekly.csv": _csv(WEEKLY), "tickets.csv": _csv(TICKETS),
                 "channel_costs.csv": _csv(CHANNEL_COSTS), "project.toml": SUPPORT_PROJECT.encode()}
COMMANDS += [
    ("support-weekly", ["support", "{dir}/project.toml"], WEEKLY, SUPPORT_FILES,
     {"tickets": COUNT_BAD, "week": DATE_BAD + [""]}),
    ("support-tickets", ["support", "{dir}/project.toml"], TICKETS, SUPPORT_FILES, {"channel": [""]}),
    ("support-channel-costs", ["support", "{dir}/project.toml"], CHANNEL_COSTS, SUPPORT_FILES,
     {"cost_per_ticket": NUMBER_BAD + ["-2"]}),
]
# in the project cases the damaged table replaces one of the project's files
PROJECT_TARGET = {"roi-costs": "costs.csv", "roi-rate-card": "rate_card.csv", "roi-metrics": "metrics.csv",
                  "support-weekly": "weekly.csv", "support-tickets": "tickets.csv",
                  "support-channel-costs": "channel_costs.csv"}


def _damage_file(base: list[list[str]]) -> Iterator[tuple[str, bytes | None]]:
    """File-level damage: (label, bytes); None means the file is missing."""
    good = _csv(base)
    yield "missing", None
    yield "empty", b""
    yield "header-only", _csv(base[:1])
    yield "binary", bytes(range(256)) * 8
    yield "renamed-columns", _csv([[f"x{i}" for i in range(len(base[0]))], *base[1:]])
    yield "ragged-row", good + b"a,b,c,d,e,f,g,h,i,j,k,l,m,n\n"
    yield "stray-quote", good.replace(b"\n", b'\n"', 1) + b'\n'
    yield "utf16-ragged", ("\ufeff" + good.decode() + "x,y,z,w,v,u,t,s,r,q,p\n").encode("utf-16-le")


def cases() -> list[Case]:
    out: list[Case] = []
    for name, argv, base, others, columns in COMMANDS:
        target = PROJECT_TARGET.get(name, "bad.csv")
        for label, data in _damage_file(base):
            files = dict(others)
            if data is None:
                files.pop(target, None)
            else:
                files[target] = data
            out.append((f"{name}/file/{label}", files, argv))
        header = base[0]
        for column, bads in columns.items():
            j = header.index(column)
            n = len(base) - 1
            for bad in bads:
                for pos in sorted({1, n // 2 + 1, n}):
                    rows = [list(r) for r in base]
                    rows[pos][j] = bad
                    out.append((f"{name}/{column}/{bad!r}/row{pos}", {**others, target: _csv(rows)}, argv))
    out += list(_project_cases())
    return out


PROJECT_KEYS = {
    # key path -> bad values (each must be refused)
    ("project", "currency"): ["EURO", 5, "", "€"],
    ("project", "seed"): [-1, 1.5, "one", math.nan],
    ("project", "draws"): [0, 50, 2_000_000_000, "many", 1.5, math.inf],
    ("project", "name"): [5, []],
    ("traffic", "replacement_share"): [-0.1, 1.5, "most", math.nan, math.inf],
    ("traffic", "keywords"): [5, "", "missing.csv", "."],
    ("traffic", "cpc"): [5, "missing.csv"],
    ("traffic", "unmatched"): ["guess", 1],
    ("traffic", "cpc_point"): ["middle", 1.5, -0.2],
    ("traffic", "cpc_unit"): ["dollars"],
    ("traffic", "cpc_duplicates"): ["average"],
    ("traffic", "brand_terms"): ["acme", [1, 2]],
    ("traffic", "brand_regex"): ["(unclosed", 5],
    ("traffic", "no_market"): ["maybe"],
    ("traffic", "decimal"): ["semicolon"],
    ("traffic", "top"): [-1, 1.5],
    ("traffic", "country"): ["NO"],
    ("traffic", "rank"): [True],
    ("social", "basis"): ["avg", 3],
    ("social", "rate_card"): ["missing.csv"],
    ("direct_revenue", "amount"): [-5, "lots", math.nan, math.inf],
    ("direct_revenue", "low"): [9000],
    ("costs", "ledger"): ["missing.csv", 3],
    ("currency", "rates"): ["USD=0.9", {"USD": -1}, {"USD": "x"}, {"XX": 1.0}],
}


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and math.isnan(v):
        return "nan"
    if isinstance(v, float) and math.isinf(v):
        return "inf"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + " }"
    return repr(v)


def _with_key(text: str, section: str, key: str, value) -> str:
    """The project text with ``key`` in ``[section]`` set to ``value`` (added, or replacing a line)."""
    lines = text.splitlines()
    header = f"[{section}]"
    if header not in lines:
        lines += ["", header]
    start = lines.index(header)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    body = [ln for ln in lines[start + 1:end] if not ln.startswith(f"{key} =")]
    return "\n".join(lines[:start + 1] + [f"{key} = {_toml_value(value)}"] + body + lines[end:]) + "\n"


def _project_cases() -> Iterator[Case]:
    commands = [["roi", "{dir}/project.toml"], ["simulate", "{dir}/project.toml"], ["report", "{dir}/project.toml"]]
    k = 0
    for (section, key), bads in PROJECT_KEYS.items():
        for bad in bads:
            text = _with_key(PROJECT, section, key, bad)
            argv = commands[k % len(commands)]
            k += 1
            yield (f"project/{section}.{key}/{bad!r}", {**PROJECT_FILES, "project.toml": text.encode()}, argv)
    # misspelt keys and sections, missing required ones, broken TOML
    for section in ("project", "traffic", "social", "direct_revenue", "costs"):
        yield (f"project/{section}/misspelt-key", {**PROJECT_FILES,
               "project.toml": _with_key(PROJECT, section, "replacment_share", 1).encode()}, ["roi", "{dir}/project.toml"])
    yield ("project/misspelt-section", {**PROJECT_FILES, "project.toml": (PROJECT + "\n[trafic]\nx = 1\n").encode()},
           ["roi", "{dir}/project.toml"])
    yield ("project/no-costs", {**PROJECT_FILES, "project.toml": PROJECT.split("[costs]")[0].encode()},
           ["roi", "{dir}/project.toml"])
    yield ("project/broken-toml", {**PROJECT_FILES, "project.toml": PROJECT.replace("seed = 1", "seed = ").encode()},
           ["roi", "{dir}/project.toml"])
    yield ("project/not-utf8", {**PROJECT_FILES, "project.toml": PROJECT.encode("utf-16")}, ["roi", "{dir}/project.toml"])
    yield ("project/binary", {**PROJECT_FILES, "project.toml": bytes(range(256))}, ["roi", "{dir}/project.toml"])
    yield ("project/empty", {**PROJECT_FILES, "project.toml": b""}, ["roi", "{dir}/project.toml"])
    yield ("project/missing", dict(PROJECT_FILES), ["roi", "{dir}/project.toml"])
    text = PROJECT + '\n[assumptions]\n"traffic.replacement_share" = { dist = "triangular", low = 0.9, mode = 0.5, high = 0.95 }\n'
    yield ("project/assumption-order", {**PROJECT_FILES, "project.toml": text.encode()}, ["simulate", "{dir}/project.toml"])
    text = PROJECT + '\n[assumptions]\n"traffic.replacement_share" = { dist = "normal", mean = 0.8, sdd = 0.1 }\n'
    yield ("project/assumption-misspelt", {**PROJECT_FILES, "project.toml": text.encode()},
           ["simulate", "{dir}/project.toml"])
    text = PROJECT + '\n[assumptions]\n"traffic.replacement_share" = { dist = "normal", mean = nan, sd = 0.1 }\n'
    yield ("project/assumption-nan", {**PROJECT_FILES, "project.toml": text.encode()}, ["simulate", "{dir}/project.toml"])
    text = PROJECT + '\n[assumptions]\n"nonsense.lever" = 0.5\n'
    yield ("project/assumption-unknown", {**PROJECT_FILES, "project.toml": text.encode()},
           ["simulate", "{dir}/project.toml"])
    text = PROJECT + '\n[scenarios.bad]\n"traffic.replacement_share" = 1.7\n'
    yield ("project/scenario-range", {**PROJECT_FILES, "project.toml": text.encode()}, ["simulate", "{dir}/project.toml"])
