"""One date parser for every export: ISO with fractions and offsets, European and US forms, decided per column."""

import pandas as pd
import pytest

from socialroi.valuation.dates import parse_dates
from socialroi.valuation.errors import InputError


def parse(values, **kw):
    return parse_dates(values, file="f.csv", column="when", **kw)


def test_iso_with_fractional_seconds_and_offsets_becomes_naive_utc():
    got = parse(["2026-09-11T07:07:11.492585", "2026-09-11T07:07:11+02:00", "2026-09-11 05:00:00Z", "2026-09-12"])
    assert list(got) == [pd.Timestamp("2026-09-11 07:07:11.492585"), pd.Timestamp("2026-09-11 05:07:11"),
                         pd.Timestamp("2026-09-11 05:00:00"), pd.Timestamp("2026-09-12")]


@pytest.mark.parametrize("values, expected", [
    (["11.09.2026", "01.10.2026 14:30"], ["2026-09-11", "2026-10-01 14:30"]),  # dotted: day first
    (["2026/09/11", "2026/10/01"], ["2026-09-11", "2026-10-01"]),
    (["20260911", "20261001"], ["2026-09-11", "2026-10-01"]),  # GA4 event_date
    (["01/02/2026", "25/02/2026"], ["2026-02-01", "2026-02-25"]),  # a day above 12 first: day first for all
    (["01/02/2026", "02/25/2026"], ["2026-01-02", "2026-02-25"]),  # a day above 12 second: month first
])
def test_export_forms(values, expected):
    assert list(parse(values)) == [pd.Timestamp(e) for e in expected]


@pytest.mark.parametrize("values, message, row", [
    (["01/02/2026", "03/04/2026"], "both as day/month and month/day", None),
    (["13/02/2026", "02/25/2026"], "contradicts", 2),
    (["2026-01-02", "03.04.2026"], "written differently", 2),
    (["2026-01-02", "yesterday"], "is not a date", 2),
    (["2026-01-02", ""], "blank cell", 2),
    (["2026-02-30"], "is not a date", 1),
])
def test_refusals_name_the_row(values, message, row):
    with pytest.raises(InputError, match=message) as exc:
        parse(values)
    assert exc.value.row == row and exc.value.column == "when"


def test_blanks_when_allowed():
    got = parse(["2026-01-02", "", None], allow_blank=True)
    assert got.isna().tolist() == [False, True, True]


def test_leads_with_utc_offsets_and_fractions(tmp_path):
    from socialroi.valuation.leads import lead_cycle

    leads = pd.DataFrame({"score": [80, 40], "channel": ["linkedin", "email"],
                          "created": ["2026-01-01T10:00:00+01:00", "2026-01-02T10:00:00.250Z"],
                          "converted_at": ["2026-01-11T09:00:00Z", ""], "revenue": [1000, None]})
    rep = lead_cycle(leads, social_channels=["linkedin"])
    fast = rep.bands.set_index(["band", "group"])
    assert fast["median_days_to_convert"].dropna().tolist() == [10.0]


def test_a_stated_order_settles_an_ambiguous_column_and_must_agree():
    assert list(parse(["01/02/2026", "03/04/2026"], order="day_first")) == [pd.Timestamp("2026-02-01"),
                                                                          pd.Timestamp("2026-04-03")]
    assert list(parse(["01/02/2026"], order="month_first")) == [pd.Timestamp("2026-01-02")]
    with pytest.raises(InputError, match="contradicts"):
        parse(["01/02/2026", "02/25/2026"], order="day_first")


def test_the_ambiguity_message_names_the_option(run_cli, tmp_path):
    path = tmp_path / "touch.csv"
    path.write_text("journey_id,timestamp,channel,converted,revenue\n"
                    "J1,01/02/2026,linkedin,yes,100\nJ1,03/02/2026,search,yes,100\nJ2,04/03/2026,email,no,\n")
    code, _, err = run_cli("attribution", path, "--social", "linkedin")
    assert code == 2 and "--date-order" in err
    code, out, err = run_cli("attribution", path, "--social", "linkedin", "--date-order", "day_first",
                             "--bootstrap", "0")
    assert code == 0, err
