"""`socialroi traffic`, run as a user would."""

import json

import pytest
from conftest import digest, load_result, write_csv

HAND = load_result("traffic_hand_case.json")


@pytest.fixture
def files(tmp_path):
    return (write_csv(tmp_path / "traffic.csv", HAND["traffic_csv"]), write_csv(tmp_path / "cpc.csv", HAND["cpc_csv"]))


def test_text_output(run_cli, files):
    code, out, err = run_cli("traffic", *files, "--replacement-share", "0.5", "--brand", "Acme")
    assert code == 0, err
    assert "21.20 USD" in out and "Top keywords by value" in out and "rare keyword" in out
    assert "90.9% of 33 non-brand clicks" in out


def test_json_is_reproducible_and_complete(run_cli, files, tmp_path):
    args = ("traffic", *files, "--replacement-share", "0.5", "--brand", "Acme", "-f", "json", "--seed", "4")
    code1, out1, _ = run_cli(*args)
    code2, out2, _ = run_cli(*args)
    assert code1 == code2 == 0 and out1 == out2
    doc = json.loads(out1)
    assert doc["estimates"][0]["point"] == pytest.approx(21.2)
    assert doc["top_keywords"][0]["keyword"] == "Running Shoes"
    assert doc["top_unmatched"][0]["key"] == "rare keyword"


def test_csv_and_markdown(run_cli, files):
    code, out, _ = run_cli("traffic", *files, "-f", "csv")
    assert code == 0 and out.splitlines()[0] == "keyword,key,clicks,cpc,cpc_low,cpc_high,value"
    code, out, _ = run_cli("traffic", *files, "-f", "markdown")
    assert code == 0 and out.startswith("# Traffic value") and "| keyword |" in out


def test_output_file_written_atomically_and_inputs_untouched(run_cli, files, tmp_path):
    before = [digest(f) for f in files]
    out_file = tmp_path / "result.json"
    code, out, err = run_cli("traffic", *files, "-f", "json", "-o", out_file)
    assert code == 0 and out == "" and "wrote" in err
    assert json.loads(out_file.read_text())["estimates"]
    assert [digest(f) for f in files] == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_output_over_an_input_is_refused(run_cli, files):
    before = digest(files[1])
    code, out, err = run_cli("traffic", *files, "-o", files[1])
    assert code == 2 and "is an input" in err and digest(files[1]) == before


def test_options_impute_rate_country(run_cli, tmp_path):
    t = write_csv(tmp_path / "t.csv", "Query,Clicks,Country\na,10,NO\nb,5,NO\na,1,LV\n")
    c = write_csv(tmp_path / "c.csv", "Keyword,CPC,Currency\na,2,USD\n")
    code, out, err = run_cli("traffic", t, c, "--currency", "EUR", "--rate", "USD=0.5", "--country", "no",
                             "--unmatched", "impute", "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["estimates"][0]["point"] == pytest.approx(10.0)  # 10 clicks x 2 USD x 0.5
    assert doc["estimates"][1]["point"] == pytest.approx(5.0)  # 5 unmatched clicks at 1 EUR per click
    code, _, err = run_cli("traffic", t, c, "--rate", "USD0.5")
    assert code == 2 and "--rate" in err


@pytest.mark.parametrize(
    "traffic_csv, cpc_csv, expected",
    [
        ("Query,Clicks\na,1\nb,-2\n", "Keyword,CPC\na,1\n", "t.csv, column 'Clicks', row 2: negative"),
        ("Query,Clicks\na,1\nb,x\n", "Keyword,CPC\na,1\n", "t.csv, column 'Clicks', row 2: value 'x' is not a number"),
        ("Query,Views\na,1\n", "Keyword,CPC\na,1\n", "t.csv: no column for clicks"),
        ("Query,Clicks\n", "Keyword,CPC\na,1\n", "t.csv: the table has a header but no data rows"),
        ("Query,Clicks\na,1\n", "Keyword,CPC\na,1 dollar\n", "c.csv, column 'CPC', row 1"),
        ("Query,Clicks\na,1\n", "Keyword,CPC,Currency\na,1,EUR\nb,2,USD\n", "mixes currencies"),
        ("Query,Clicks\na,1\nb,1\nc,1\nd,1\ne,1\n", "Keyword,CPC\na,120\nb,95\nc,300\nd,80\ne,60\n",
         "look like cents"),
        ("Query,Clicks\na,1\n", "", "c.csv: the file is empty"),
    ],
)
def test_bad_input_one_line_exit_2_nothing_written(run_cli, tmp_path, traffic_csv, cpc_csv, expected):
    t = write_csv(tmp_path / "t.csv", traffic_csv)
    c = write_csv(tmp_path / "c.csv", cpc_csv)
    out_file = tmp_path / "out.json"
    code, out, err = run_cli("traffic", t, c, "-o", out_file)
    assert code == 2
    assert expected in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not out_file.exists() and out == ""


def test_missing_file(run_cli, tmp_path):
    code, _, err = run_cli("traffic", tmp_path / "nope.csv")
    assert code == 2 and "nope.csv: file not found" in err


def test_unicode_keywords_round_trip(run_cli, tmp_path):
    t = write_csv(tmp_path / "t.csv", "Query,Clicks\nکفش کوهنوردی,3\nRīga tūre,2\nfjellsko,1\n", "utf-16")
    c = write_csv(tmp_path / "c.csv", "Keyword,CPC\nكفش كوهنوردي,1\nrīga tūre,2\nFJELLSKO,4\n")
    code, out, err = run_cli("traffic", t, c, "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["estimates"][0]["point"] == pytest.approx(3 + 4 + 4)
    assert "کفش کوهنوردی" in out  # written as UTF-8, not escaped


def test_output_to_a_pipe_or_device_is_written_in_place(run_cli, files, tmp_path):
    """-o /dev/null or a named pipe must never be replaced by a regular file."""
    import os
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(open(fifo, encoding="utf-8").read()))
    reader.start()
    code, _, err = run_cli("traffic", *files, "-f", "json", "-o", fifo)
    reader.join(timeout=10)
    assert code == 0, err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert '"estimates"' in received[0]


def test_remaining_options_as_a_user_types_them(run_cli, tmp_path):
    t = write_csv(tmp_path / "t.csv", "Phrase,Organic Clicks\nRīga tours,10\nriga tours,5\nBergen,4\nunpriced,2\n")
    c = write_csv(tmp_path / "c.csv", "Term,Bid\nriga tours,120\nriga tours,200\nbergen,80\nx,90\ny,100\n")
    code, out, err = run_cli(
        "traffic", t, c, "--keyword-col", "Phrase", "--clicks-col", "Organic Clicks", "--cpc-keyword-col", "Term",
        "--cpc-col", "Bid", "--cpc-unit", "cents", "--duplicates", "max", "--fold-diacritics", "--cpc-point", "low",
        "--unmatched", "impute", "--impute-cpc", "0.5", "--top", "1", "-f", "json")
    assert code == 0, err
    import json

    doc = json.loads(out)
    traffic, imputed = doc["estimates"]
    assert traffic["point"] == pytest.approx(15 * 2.00 + 4 * 0.80)  # Rīga folded to riga; max of 1.20 and 2.00
    assert imputed["point"] == pytest.approx(2 * 0.5)
    assert len(doc["top_keywords"]) == 1 and any("different CPCs" in w for w in traffic["warnings"])


# ---- European exports: separators and decimal marks decided per file, counts whole

EU_GSC = "Query;Clicks;Impressions;CTR;Position\nhiking boots;1.234;45.678;2,7 %;8,3\nrain jacket;56;1.200;4,67 %;3,1\n" \
         "\"tent, 2 person\";7;300;2,33 %;12,0\n"
EU_CPC = "Keyword;CPC\nhiking boots;1,25 €\nrain jacket;\"2,10 €\"\n\"tent, 2 person\";0,80 €\n"
EU_VALUE = 1234 * 1.25 + 56 * 2.10 + 7 * 0.80  # by hand: 1,665.70 EUR


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("quoted", [False, True])
def test_european_search_console_and_cpc_give_the_hand_value(run_cli, tmp_path, newline, quoted):
    gsc, cpc = EU_GSC, EU_CPC
    if quoted:  # every cell quoted, as some spreadsheet exports write them
        def quote_all(text):
            import csv
            import io

            rows = list(csv.reader(io.StringIO(text), delimiter=";"))
            return "\n".join(";".join('"' + c + '"' for c in r) for r in rows) + "\n"
        gsc, cpc = quote_all(gsc), quote_all(cpc)
    (tmp_path / "gsc.csv").write_bytes(gsc.replace("\n", newline).encode())
    (tmp_path / "cpc.csv").write_bytes(cpc.replace("\n", newline).encode())
    code, out, err = run_cli("traffic", tmp_path / "gsc.csv", tmp_path / "cpc.csv", "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    (est,) = doc["estimates"]
    assert est["point"] == pytest.approx(EU_VALUE, abs=1e-9)
    assert est["currency"] == "EUR"
    assert est["diagnostics"]["clicks_total"] == 1297


def test_a_fractional_count_is_refused_with_its_row(run_cli, tmp_path):
    (tmp_path / "gsc.csv").write_text("Query,Clicks\nhiking boots,12.5\nrain jacket,3\n")
    (tmp_path / "cpc.csv").write_text("Keyword,CPC\nhiking boots,1.25\nrain jacket,2.10\n")
    code, out, err = run_cli("traffic", tmp_path / "gsc.csv", tmp_path / "cpc.csv")
    assert code == 2 and not out
    assert "Clicks" in err and "row 1" in err and "whole number" in err
    assert len(err.strip().splitlines()) == 1


def test_a_dot_thousands_count_in_a_comma_separated_file_is_refused_not_guessed(run_cli, tmp_path):
    # comma-separated, no decimal evidence: 1.234 could be 1,234 or a fraction; a count cannot be a fraction,
    # but nothing says '.' is a thousands mark here, so the row is named
    (tmp_path / "gsc.csv").write_text("Query,Clicks\nhiking boots,1.234\nrain jacket,3\n")
    (tmp_path / "cpc.csv").write_text("Keyword,CPC\nhiking boots,1.25\nrain jacket,2.10\n")
    code, _, err = run_cli("traffic", tmp_path / "gsc.csv", tmp_path / "cpc.csv")
    assert code == 2 and "row 1" in err and "whole number" in err


def test_zero_cpc_is_no_paid_market_not_coverage(run_cli, tmp_path):
    path = tmp_path / "seo.csv"
    path.write_text("Keyword,CPC,Traffic\nhiking boots,1.50,100\nniche term,0,300\nrain jacket,2.00,100\n")
    code, out, err = run_cli("traffic", path, "-f", "json")
    assert code == 0, err
    (est,) = json.loads(out)["estimates"]
    d = est["diagnostics"]
    assert est["point"] == pytest.approx(100 * 1.5 + 100 * 2.0)
    assert d["clicks_no_market"] == 300 and d["click_coverage"] == pytest.approx(200 / 500)
    assert any("no paid market" in w for w in est["warnings"])
    code, out, err = run_cli("traffic", path, "--no-market", "impute", "-f", "json")
    assert code == 0, err
    estimates = {e["component"]: e for e in json.loads(out)["estimates"]}
    # imputed at the click-weighted average price of priced clicks: (150 + 200) / 200 = 1.75 per click
    assert estimates["traffic_imputed"]["point"] == pytest.approx(300 * 1.75)
    code, _, err = run_cli("traffic", path, "--no-market", "guess")
    assert code == 2 and "--no-market" in err


def test_three_decimal_commas_get_the_decimal_advice_not_the_cents_advice(run_cli, tmp_path):
    (tmp_path / "q.csv").write_text("Query,Clicks\nhiking boots,10\nrain jacket,5\n")
    (tmp_path / "cpc.csv").write_text('Keyword,CPC\nhiking boots,"1,250"\nrain jacket,"2,100"\n')
    code, _, err = run_cli("traffic", tmp_path / "q.csv", tmp_path / "cpc.csv")
    assert code == 2 and "--decimal comma" in err and "'1,250'" in err
    code, out, err = run_cli("traffic", tmp_path / "q.csv", tmp_path / "cpc.csv", "--decimal", "comma", "-f", "json")
    assert code == 0, err
    assert json.loads(out)["estimates"][0]["point"] == pytest.approx(10 * 1.25 + 5 * 2.10)


def test_the_cents_guard_runs_at_any_row_count(run_cli, tmp_path):
    (tmp_path / "q.csv").write_text("Query,Clicks\nhiking boots,10\n")
    (tmp_path / "cpc.csv").write_text("Keyword,CPC\nhiking boots,125\n")
    code, _, err = run_cli("traffic", tmp_path / "q.csv", tmp_path / "cpc.csv")
    assert code == 2 and "--cpc-unit cents" in err


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_special_files_are_refused_before_reading(run_cli, tmp_path, special):
    import os

    path = special
    if special == "fifo":
        path = tmp_path / "pipe.csv"
        os.mkfifo(path)
    code, out, err = run_cli("traffic", path)
    assert code == 2 and not out and "not a regular file" in err


def test_country_without_a_country_column_is_refused(run_cli):
    from socialroi.datasets import example_dir

    EX = example_dir()
    code, _, err = run_cli("traffic", EX / "keywords.csv", EX / "cpc.csv", "--country", "NO")
    assert code == 2 and "country column" in err and "--country" in err


def test_impossible_draws_are_a_usage_error(run_cli):
    from socialroi.datasets import example_dir

    EX = example_dir()
    code, _, err = run_cli("traffic", EX / "keywords.csv", EX / "cpc.csv", "--draws", "2000000000")
    assert code == 2 and "--draws" in err


def test_messages_for_common_mistakes(run_cli, tmp_path):
    gsc = tmp_path / "gsc.csv"
    gsc.write_text("Query,Clicks,Impressions\nboots,10,100\n")
    code, _, err = run_cli("traffic", gsc)
    assert code == 2 and "second argument" in err
    binary = tmp_path / "export.csv"
    binary.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4)
    code, _, err = run_cli("traffic", binary)
    assert code == 2 and "binary data" in err
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n")
    code, _, err = run_cli("traffic", passwd, gsc)
    assert code == 2 and "root:x" not in err  # a file that is not a table is never echoed


def test_doubled_bom_is_skipped(run_cli, tmp_path):
    path = tmp_path / "q.csv"
    path.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbfQuery,Clicks\nboots,10\n")
    cpc = tmp_path / "cpc.csv"
    cpc.write_text("Keyword,CPC\nboots,1.5\n")
    code, out, err = run_cli("traffic", path, cpc, "-f", "json")
    assert code == 0, err
    assert json.loads(out)["estimates"][0]["point"] == pytest.approx(15.0)


def test_brand_regex_runs_in_linear_time_and_refuses_what_it_cannot_run(run_cli, tmp_path):
    import time

    path = tmp_path / "q.csv"
    path.write_text("Query,Clicks\n" + "a" * 30000 + "!,1\nboots,5\n")
    cpc = tmp_path / "cpc.csv"
    cpc.write_text("Keyword,CPC\nboots,1.5\n")
    start = time.perf_counter()
    code, _, err = run_cli("traffic", path, cpc, "--brand-regex", "(a+)+$")  # catastrophic for backtracking engines
    assert code == 0, err
    assert time.perf_counter() - start < 10
    code, _, err = run_cli("traffic", path, cpc, "--brand-regex", "(?=a)b")
    assert code == 2 and "look-around" in err


def test_seo_tool_traffic_must_say_its_period(run_cli, tmp_path):
    path = tmp_path / "seo.csv"
    path.write_text("Keyword,Position,Search Volume,CPC,Traffic\nhiking boots,3,1000,1.50,100\nrain jacket,5,800,2.00,50\n")
    code, _, err = run_cli("traffic", path)
    assert code == 2 and "--traffic-period month" in err
    code, _, err = run_cli("traffic", path, "--traffic-period", "month")
    assert code == 2 and "--months" in err
    code, out, err = run_cli("traffic", path, "--traffic-period", "month", "--months", "10", "-f", "json")
    assert code == 0, err
    (est,) = json.loads(out)["estimates"]
    assert est["point"] == pytest.approx(10 * (100 * 1.5 + 50 * 2.0))
    assert "SEO tool's estimate" in est["method"] and any("traffic estimate" in w for w in est["warnings"])
    code, out, err = run_cli("traffic", path, "--traffic-period", "year", "--months", "6", "-f", "json")
    assert json.loads(out)["estimates"][0]["point"] == pytest.approx(0.5 * 250)


@pytest.mark.parametrize("args, flag", [(["--cpc-unit", "dollars"], "--cpc-unit"), (["--duplicates", "avg"], "--duplicates"),
                                        (["--replacement-share", "2"], "--replacement-share"),
                                        (["--no-market", "x"], "--no-market"), (["--cpc-point", "middle"], "--cpc-point")])
def test_option_errors_name_the_flag_on_the_command_line(run_cli, args, flag):
    from socialroi.datasets import example_dir

    code, _, err = run_cli("traffic", example_dir() / "keywords.csv", example_dir() / "cpc.csv", *args)
    assert code == 2 and f"socialroi: error: {flag} " in err
