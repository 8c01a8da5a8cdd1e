"""AWS's AmazonRDS offer files in: the CSV and the regional JSON, on-demand and reserved terms,
the reserved rates in the price book and on the bill, the import-prices command, bad files."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest

from aurora_models import cli, pricing
from aurora_models.billing import Usage, bill_options
from aurora_models.exceptions import DataError, MissingDependencyError

FIXTURES = Path(__file__).parent / "fixtures"
CSV_FILE = FIXTURES / "offer_file_rds_reserved.csv"  # all regions (us-east-1, eu-west-2, us-west-2)
JSON_FILE = FIXTURES / "offer_file_rds_us_east_1.json"  # us-east-1 only
OLD_SAMPLE = FIXTURES / "offer_file_rds_sample.csv"

# the fixture's Aurora MySQL db.r6g.large terms in us-east-1 (illustrative prices): upfront USD,
# hourly USD; AWS's hours: 8,760 a year
R6G_LARGE = {"1y-no-upfront": (0.0, 0.182), "1y-partial-upfront": (788.0, 0.09),
             "1y-all-upfront": (1492.0, 0.0), "3y-partial-upfront": (1640.0, 0.062),
             "3y-all-upfront": (3090.0, 0.0)}


def _reserved(book):
    res = book[book["item"] == "instance_hour_reserved"]
    return {(r.instance_class, r.term): (r.upfront_usd, r.recurring_hourly_usd, r.usd)
            for r in res.itertuples()}


# -- the two forms ---------------------------------------------------------------------------


def test_csv_import_keeps_on_demand_and_every_reserved_term():
    book = pricing.import_offer_file(CSV_FILE, "us-east-1")
    assert book.attrs["region"] == "us-east-1"
    got = book[book["item"] != "instance_hour_reserved"].set_index(
        ["item", "instance_class"])["usd"]
    assert got[("instance_hour", "db.r6g.large")] == 0.26
    assert got[("instance_hour", "db.r6g.xlarge")] == 0.519
    assert got[("rds_instance_hour", "db.r6g.large")] == 0.215
    assert got[("io_per_million", "")] == pytest.approx(0.2)
    res = _reserved(book)
    for term, (up, hourly) in R6G_LARGE.items():
        years = int(term[0])
        assert res[("db.r6g.large", term)][:2] == (up, hourly)
        # effective hourly by hand: upfront over 8,760 hours a year, plus the hourly part
        assert res[("db.r6g.large", term)][2] == pytest.approx(up / (8760.0 * years) + hourly,
                                                               rel=1e-12)
    assert res[("db.r6g.xlarge", "3y-all-upfront")] == pytest.approx((6180.0, 0.0,
                                                                      6180.0 / 26280.0))
    assert len(res) == 7  # no 3y No Upfront, no I/O-Optimized, RDS, Oracle or PostgreSQL rate
    src = book.loc[(book["item"] == "instance_hour_reserved")
                   & (book["term"] == "1y-partial-upfront")
                   & (book["instance_class"] == "db.r6g.large"), "source"].iloc[0]
    assert "term HU7G6KETJZ (1yr Partial Upfront)" in src and "SKU " in src
    counts = book.attrs["skipped_counts"]
    assert counts["another region"] == 84
    assert counts["term 3y-no-upfront is not one of RESERVED_TERMS"] == 1
    assert counts["reserved MySQL instance (the book's reserved rates are Aurora's)"] == 2
    assert counts["reserved I/O-Optimized instance (the book's reserved rates are Aurora "
                  "Standard's)"] == 2
    # the PostgreSQL term of the same class has other rates: the preferred engine wins
    assert counts["1y-partial-upfront reserved db.r6g.large also listed for the preferred "
                  "engine 'Aurora MySQL'"] == 2
    pg = pricing.import_offer_file(CSV_FILE, "us-east-1", engine="Aurora PostgreSQL")
    assert _reserved(pg)[("db.r6g.large", "1y-partial-upfront")][:2] == (800.0, 0.091)


def test_another_region_of_the_all_region_csv():
    book = pricing.import_offer_file(CSV_FILE, "eu-west-2")
    assert (book["region"] == "eu-west-2").all()
    res = _reserved(book)
    assert res[("db.r6g.large", "1y-partial-upfront")][:2] == (866.8, 0.099)  # x1.1


def test_regional_json_gives_the_same_book_as_the_csv(tmp_path):
    from_csv = pricing.import_offer_file(CSV_FILE, "us-east-1", output_path=tmp_path / "a.csv")
    from_json = pricing.import_offer_file(JSON_FILE, output_path=tmp_path / "b.csv")
    assert from_json.attrs["region"] == "us-east-1"  # read from the file
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()
    assert len(from_json) == len(from_csv) == 19
    # the skipped rows, bar the other regions' (absent from the regional file), are the same
    a = dict(from_csv.attrs["skipped_counts"])
    a.pop("another region")
    assert a == from_json.attrs["skipped_counts"]
    # a JSON row is named by its location in the file
    where = from_json.attrs["skipped"]["line"]
    assert where.str.startswith("terms.").all()


def test_the_old_hand_fixture_still_imports():
    book = pricing.import_offer_file(OLD_SAMPLE, "us-east-1")
    assert _reserved(book) == {("db.r6g.large", "1y-partial-upfront"):
                               (1000.0, 0.05, pytest.approx(1000.0 / 8760.0 + 0.05))}


# -- the price book --------------------------------------------------------------------------


def test_the_book_reads_reserved_rates_and_older_files_still_load(tmp_path):
    out = tmp_path / "book.csv"
    pricing.import_offer_file(CSV_FILE, "us-east-1", output_path=out)
    header = out.read_text().splitlines()[0].split(",")
    assert header[-3:] == ["term", "upfront_usd", "recurring_hourly_usd"]
    pb = pricing.load("us-east-1", path=out)
    rate = pb.reserved("db.r6g.large", "3y-partial-upfront")
    assert (rate.upfront_usd, rate.recurring_hourly_usd, rate.term_hours) == (1640.0, 0.062,
                                                                              26280.0)
    assert rate.effective_hourly_usd == pytest.approx(1640.0 / 26280.0 + 0.062)
    assert rate.confidence == "verified" and "38NPMPTW36" in rate.source
    assert pb.instance_hour_usd("db.r6g.large") == 0.26  # on-demand lookups are untouched
    assert len(pb.reserved_rates()) == 7
    assert "term" in pb.to_frame().columns
    with pytest.raises(pricing.MissingPriceError, match=r"no 1y-no-upfront reserved rate for "
                                                        r"db.r6g.xlarge \(its db.r6g.xlarge "
                                                        r"terms: 1y-partial-upfront, "
                                                        r"3y-all-upfront\)"):
        pb.reserved("db.r6g.xlarge", "1y-no-upfront")
    with pytest.raises(ValueError, match="`term` must be one of"):
        pb.reserved("db.r6g.large", "5y-all-upfront")
    # the bundled snapshot has none; a book file without the three columns still loads
    bundled = pricing.load("us-east-1")
    assert bundled.reserved_rates().empty and "term" not in bundled.to_frame().columns
    with pytest.raises(pricing.MissingPriceError, match="it has none: import an offer file"):
        bundled.reserved("db.r6g.large", "1y-partial-upfront")
    old = tmp_path / "old.csv"
    rows = list(csv.reader(io.StringIO(out.read_text())))
    keep = [r[:-3] for r in rows if r[1] != "instance_hour_reserved"]
    old.write_text("\n".join(",".join(f'"{c}"' for c in r) for r in keep) + "\n")
    assert pricing.load("us-east-1", path=old).reserved_rates().empty


def _edited_book(tmp_path, change):
    out = tmp_path / "book.csv"
    pricing.import_offer_file(CSV_FILE, "us-east-1", output_path=out)
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    change(rows)
    bad = tmp_path / "bad.csv"
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    bad.write_text(buf.getvalue())
    return bad


def test_a_bad_reserved_row_in_a_book_file_is_named(tmp_path):
    def res(rows):
        return next(i for i, r in enumerate(rows) if r["item"] == "instance_hour_reserved")

    def wrong_usd(rows):
        rows[res(rows)]["usd"] = "0.5"

    def no_term(rows):
        rows[res(rows)]["term"] = ""

    def term_elsewhere(rows):
        rows[0]["term"] = "1y-all-upfront"

    def negative(rows):
        rows[res(rows)]["upfront_usd"] = "-1"

    line = 2 + 12  # the first reserved row follows the 12 on-demand rows
    cases = [(wrong_usd, rf"line {line}: column 'usd' of a instance_hour_reserved row must be "
                         r"upfront_usd / hours of the term \+ recurring_hourly_usd = 0.182"),
             (no_term, rf"line {line}: column 'term' must be one of 1y-no-upfront"),
             (term_elsewhere, r"line 2: column 'term' is only for instance_hour_reserved rows"),
             (negative, rf"line {line}: column 'upfront_usd' must be a finite non-negative")]
    for change, message in cases:
        with pytest.raises(DataError, match=message):
            pricing.load("us-east-1", path=_edited_book(tmp_path, change))


# -- the bill --------------------------------------------------------------------------------


def test_reserved_rates_price_the_reserved_option_by_hand(tmp_path):
    book = tmp_path / "book.csv"
    pricing.import_offer_file(CSV_FILE, "us-east-1", output_path=book)
    u = Usage(region="us-east-1", capacity="provisioned", instance_class="db.r6g.large",
              replicas=1, volume_gib=100.0, io_millions_per_month=0.0,
              reserved_term="1y-partial-upfront")
    bill = next(b for b in bill_options(u, price_file=book) if b.option == "provisioned_reserved")
    writer, readers = bill.lines[0], bill.lines[1]
    # by hand: 788 USD upfront over 8,760 hours + 0.09 USD an hour = 0.179954 USD an hour; a
    # 730-hour month of it is 788 / 12 + 0.09 x 730 = 65.6667 + 65.70 = 131.3667 USD
    assert writer.unit_price_usd == pytest.approx(0.17995433789954338, rel=1e-12)
    assert writer.amount_usd == pytest.approx(788.0 / 12.0 + 65.7, rel=1e-12)
    assert readers.amount_usd == pytest.approx(131.36666666666667, rel=1e-12)
    assert "offer-file rate, SKU " in writer.line and "term HU7G6KETJZ" in writer.line
    assert "788 USD upfront + 0.09 USD/hour" in writer.line
    # storage 100 GiB at 0.10; the bill is the sum of its lines
    assert bill.total_usd == pytest.approx(2 * 131.36666666666667 + 100 * 0.10, rel=1e-12)
    # 3-year all upfront: 3090 / 26280 per hour
    u3 = Usage(region="us-east-1", capacity="provisioned", instance_class="db.r6g.large",
               reserved_term="3y-all-upfront")
    b3 = next(b for b in bill_options(u3, price_file=book) if b.option == "provisioned_reserved")
    assert b3.lines[0].amount_usd == pytest.approx(730.0 * 3090.0 / 26280.0, rel=1e-12)


def test_what_prices_the_reserved_option_is_said_and_ranked(tmp_path):
    book = tmp_path / "book.csv"
    pricing.import_offer_file(CSV_FILE, "us-east-1", output_path=book)
    base = dict(region="us-east-1", capacity="provisioned", instance_class="db.r6g.large")

    def writer(price_file=None, **kw):
        bills = bill_options(Usage(**{**base, **kw}), price_file=price_file)
        return next(b for b in bills if b.option == "provisioned_reserved").lines[0]

    # the user's own effective hourly rate wins over the book's
    li = writer(book, reserved_hourly_usd=0.1)
    assert li.unit_price_usd == 0.1 and "(your effective hourly rate)" in li.line
    # the book's real rate replaces a discount (a discount only stands in for a rate)
    li = writer(book, reserved_discount=0.5)
    assert li.unit_price_usd == pytest.approx(788 / 8760 + 0.09) and "offer-file rate" in li.line
    # a term the book lacks for the class: the registered discount, marked ASSUMPTION
    li = writer(book, reserved_term="1y-no-upfront", instance_class="db.r7g.large")
    disc = pricing._reserved.RESERVED_DISCOUNTS["1y-no-upfront"]
    assert li.unit_price_usd == pytest.approx(0.276 * (1 - disc))
    assert "(ASSUMPTION: registered 30% discount on on-demand)" in li.line
    # I/O-Optimized: the book's reserved rates are Aurora Standard's, so the discount applies
    li = writer(book, storage="io-optimized")
    assert li.unit_price_usd == pytest.approx(0.338 * (1 - 0.35))
    assert "I/O-Optimized: the book's reserved rates are Standard's" in li.line
    # the bundled snapshot: the assumption, as before
    li = writer(reserved_discount=0.25)
    assert "(your 25% discount on on-demand)" in li.line


# -- the command -----------------------------------------------------------------------------


def test_import_prices_command(tmp_path, capsys):
    out = tmp_path / "book.csv"
    assert cli.main(["import-prices", str(CSV_FILE), "--region", "us-east-1", "--out",
                     str(out)]) == 0
    text = capsys.readouterr().out
    assert f"wrote {out}: 19 prices for us-east-1 (aurora-mysql, offer file published " \
           "2026-04-28): 12 on-demand, 7 reserved rates (2 classes" in text
    assert "skipped 99 rows:" in text and "      84  another region" in text
    assert pricing.load("us-east-1", path=out).has_reserved("db.r6g.large", "1y-all-upfront")
    # a regional JSON: no --region needed
    assert cli.main(["import-prices", str(JSON_FILE), "--out", str(tmp_path / "j.csv")]) == 0
    assert "19 prices for us-east-1" in capsys.readouterr().out
    # the all-region file without --region: one line naming the file and line
    assert cli.main(["import-prices", str(CSV_FILE), "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "line 49: the offer file holds more than one region " \
                                    "(us-east-1, eu-west-2, ...)" in err
    assert not (tmp_path / "x.csv").exists()
    # the estimate prices the reserved option from the imported book
    scenario = tmp_path / "s.toml"
    assert cli.main(["scenario", "init", str(scenario)]) == 0
    text = scenario.read_text()
    for old, new in (('capacity = "serverless"', 'capacity = "provisioned"'),
                     ('instance_class = "db.r6g.8xlarge"', 'instance_class = "db.r6g.large"'),
                     ('engine = "postgresql"', 'engine = "mysql"'),
                     ('secondaries = ["eu-west-1"]', "secondaries = []")):
        assert old in text
        text = text.replace(old, new)
    scenario.write_text(text)
    capsys.readouterr()
    assert cli.main(["estimate", str(scenario), "--price-book", str(out), "--bill", "--format",
                     "csv"]) == 0
    bill = capsys.readouterr().out
    assert "reserved 1y-partial-upfront (offer-file rate, SKU" in bill


def test_price_book_given_an_offer_file_says_to_import_it(tmp_path, capsys):
    for offer in (CSV_FILE, JSON_FILE):
        assert cli.main(["estimate", "--price-book", str(offer)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert "this is an AWS Price List offer file" in err
        assert f"import it first with `aurora-models import-prices {offer}" in err
        with pytest.raises(DataError, match="not a price book: import it first"):
            pricing.load("us-east-1", path=offer)


# -- bad files: one line naming the file and the line (or JSON location) ----------------------


def _csv_with(tmp_path, edit, name="offer.csv"):
    lines = CSV_FILE.read_text().splitlines()
    lines = edit(lines)
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def _first(lines, *needles):
    return next(i for i, s in enumerate(lines) if all(n in s for n in needles))


def test_bad_csv_files(tmp_path):
    # truncated: the last row cut in the middle
    trunc = tmp_path / "cut.csv"
    text = CSV_FILE.read_text()
    trunc.write_text(text[: text.rindex("\n", 0, len(text) - 1) + 200])
    n = text[: text.rindex("\n", 0, len(text) - 1)].count("\n") + 2
    with pytest.raises(DataError, match=rf"cut\.csv, line {n}: row has \d+ fields, the header "
                                        r"has 58 .*truncated"):
        pricing.import_offer_file(trunc, "us-east-1")
    # wrong OfferCode
    ec2 = _csv_with(tmp_path, lambda ls: [ls[0], ls[1], ls[2], ls[3],
                                          '"OfferCode","AmazonEC2"', *ls[5:]], "ec2.csv")
    with pytest.raises(DataError, match=r"ec2\.csv, line 5: OfferCode must be 'AmazonRDS', got "
                                        r"'AmazonEC2'"):
        pricing.import_offer_file(ec2, "us-east-1")

    # a Reserved row without LeaseContractLength
    def no_lease(ls):
        i = _first(ls, '"Reserved"', '"us-east-1"', '"Upfront Fee"')
        ls[i] = ls[i].replace('"1yr"', '""', 1)
        return ls

    path = _csv_with(tmp_path, no_lease)
    i = _first(CSV_FILE.read_text().splitlines(), '"Reserved"', '"us-east-1"', '"Upfront Fee"')
    with pytest.raises(DataError, match=rf"offer\.csv, line {i + 1}: column "
                                        r"'LeaseContractLength': a Reserved row must have one"):
        pricing.import_offer_file(path, "us-east-1")

    # a price that is not a number, in a reserved upfront row
    def not_number(ls):
        ls[i] = ls[i].replace('"788.0000000000"', '"788,00"')
        return ls

    with pytest.raises(DataError, match=rf"line {i + 1}: column 'PricePerUnit': '788,00' is "
                                        "not a number"):
        pricing.import_offer_file(_csv_with(tmp_path, not_number), "us-east-1")

    # an absurd upfront fee
    def huge(ls):
        ls[i] = ls[i].replace('"788.0000000000"', '"1e12"')
        return ls

    with pytest.raises(DataError, match=rf"line {i + 1}: column 'PricePerUnit' must be at most "
                                        r"2.628e\+08 USD \(an upfront fee\), got '1e12'"):
        pricing.import_offer_file(_csv_with(tmp_path, huge), "us-east-1")
    # an unknown region: the regions listed, with a did-you-mean
    with pytest.raises(DataError, match=r"line 6: column 'Region Code': region 'eu-west-3' has "
                                        r"no rows .*eu-west-2, us-east-1, us-west-2.*did you "
                                        r"mean 'eu-west-2'"):
        pricing.import_offer_file(CSV_FILE, "eu-west-3")


def _json_with(tmp_path, edit, name="offer.json"):
    doc = json.loads(JSON_FILE.read_text())
    edit(doc)
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


def test_bad_json_files(tmp_path):
    text = JSON_FILE.read_text()
    cut = tmp_path / "cut.json"
    cut.write_text(text[: len(text) // 2])
    with pytest.raises(DataError, match=r"cut\.json: not a complete JSON offer file \(truncated "
                                        r"or malformed JSON"):
        pricing.import_offer_file(cut)
    other = tmp_path / "package.json"
    other.write_text('{"name": "left-pad", "version": "1.3.0"}\n')
    with pytest.raises(DataError, match=r"package\.json: OfferCode must be 'AmazonRDS', got "
                                        "None|not an AWS Price List offer file"):
        pricing.import_offer_file(other)
    array = tmp_path / "list.json"
    array.write_text("[1, 2]\n")
    with pytest.raises(DataError, match=r"list\.json: the file is a JSON array, not an object"):
        pricing.import_offer_file(array)
    ec2 = _json_with(tmp_path, lambda d: d.update(offerCode="AmazonEC2"), "ec2.json")
    with pytest.raises(DataError, match=r"ec2\.json: OfferCode must be 'AmazonRDS', got "
                                        "'AmazonEC2'"):
        pricing.import_offer_file(ec2)

    def first_reserved(doc):
        sku = next(iter(doc["terms"]["Reserved"]))
        code = next(iter(doc["terms"]["Reserved"][sku]))
        return sku, code, doc["terms"]["Reserved"][sku][code]

    def no_lease(doc):
        first_reserved(doc)[2]["termAttributes"].pop("LeaseContractLength")

    with pytest.raises(DataError, match=r"offer\.json: terms\.Reserved\['\w+'\]\['\w+\.\w+'\]"
                                        r"\.priceDimensions\['[\w.]+'\]: column "
                                        "'LeaseContractLength': a Reserved row must have one"):
        pricing.import_offer_file(_json_with(tmp_path, no_lease))

    def not_number(doc):
        dims = first_reserved(doc)[2]["priceDimensions"]
        next(iter(dims.values()))["pricePerUnit"]["USD"] = "free"

    with pytest.raises(DataError, match=r"offer\.json: terms\.Reserved.*column 'PricePerUnit': "
                                        "'free' is not a number"):
        pricing.import_offer_file(_json_with(tmp_path, not_number))


def test_json_needs_ijson_and_says_which_extra(monkeypatch):
    import importlib

    real = importlib.import_module

    def fake(name, *a, **k):
        if name == "ijson":
            raise ModuleNotFoundError("No module named 'ijson'", name="ijson")
        return real(name, *a, **k)

    monkeypatch.setattr(importlib, "import_module", fake)
    with pytest.raises(MissingDependencyError, match=r"reading a JSON offer file needs ijson, "
                                                     r"which is not installed: pip install "
                                                     r"'aurora-arch-models\[offers\]'"):
        pricing.import_offer_file(JSON_FILE)


def test_the_importer_streams(tmp_path):
    """The CSV is read row by row: a file of many other-region rows holds none of them."""
    import tracemalloc

    lines = CSV_FILE.read_text().splitlines()
    other = [s for s in lines[6:] if '"us-west-2"' in s]
    big = tmp_path / "big.csv"
    with big.open("w") as fh:
        fh.write("\n".join(lines[:6]) + "\n")
        fh.write("\n".join(lines[6:]) + "\n")
        for _ in range(400):  # ~20,000 rows, ~10 MB, of another region
            fh.write("\n".join(other) + "\n")
    size = big.stat().st_size
    tracemalloc.start()
    book = pricing.import_offer_file(big, "us-east-1")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(book) == 19
    assert book.attrs["skipped_counts"]["another region"] == 84 + 400 * len(other)
    assert peak < size / 4, (peak, size)  # never the whole file in memory
    assert math.isfinite(book["usd"].sum())
