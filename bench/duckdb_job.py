#!/usr/bin/env python3
"""The DuckDB side of bench/run.sh: rekon's new-business reconciliation as a SQL job.

Reads the bank new-business CSVs (standard layout, `*_NB_*.csv[.gz]`) and the ledger certificate
exports (`ledger_certificates*.csv[.gz]`) with read_csv, every column VARCHAR, then writes every break
as (category, bank_code, policy_ref, field, bank_value, ledger_value) to OUT/breaks.csv with COPY and
prints the counts as JSON on stdout. DuckDB runs with its defaults (all threads, in-memory database).

Which of rekon's rules (Sources/RekonCore/Reconcile/PolicyReconciler.swift, Validation/RowRules.swift,
Mapping/RowDecoder.swift) the SQL reproduces:

  * Rejected bank rows make no break, and the ledger's certificates of a rejected row's key make none
    either. A bank row is rejected, as in rekon, for: a required field missing (blank after trimming);
    a bad code (coverage_type, debtor_gender, currency); a NIK that is not 16 digits; a date that is not
    YYYY-MM-DD; an amount that is not a whole non-negative number; tenor_months outside 1..1200; a rate
    with more than 6 decimals; NIK digits 7-12 disagreeing with the birth date and gender (day + 40 for
    women); end_date != start_date + tenor_months (month ends clamped, like Day.addingMonths); a sum
    insured of 0 or above the plafond (plafond defaults to the sum insured); and, when the config has
    products: an unknown product, a tenor outside the product's limits or rate bands, a sum insured
    outside its limits, an entry age or an age at maturity outside its limits. A row with the wrong
    number of fields is skipped by read_csv (ignore_errors) and counted as malformed, like rekon's BAD_ROW
    (whose key rekon does not know either). Ledger rows with a bad type or code are dropped, as rekon
    rejects them.
  * Codes and bank codes are upper-cased, every field is trimmed of blanks (space, tab) as rekon does.
  * DUPLICATE_IN_BANK, rule 1: each repeat of (bank_code, policy_ref) after its first row, in input
    order (files sorted by name, rows in file order); field policy_ref.
  * DUPLICATE_IN_BANK, rule 2: a first row whose (bank_code, loan_no, debtor_nik) already has an earlier
    first row with overlapping cover (start < other end and other start < end); field loan_no. The
    ledger's certificates of such a duplicate ref make no break (rekon voids them).
  * The ledger's certificates of a key ordered by start_date, then certificate_no: a certificate with the
    same start_date as the one before is a DUPLICATE_IN_LEDGER (so with one start date: all but the
    minimum certificate_no); each further start date is another version. The bank's new business gives
    one version, so versions 2.. of a matched key are MISSING_IN_BANK.
  * MISSING_IN_LEDGER: a kept bank policy without any certificate. MISSING_IN_BANK: every version of a
    key no accepted bank row has (keys of rejected rows excepted).
  * FIELD_MISMATCH on version 1, per field: debtor_nik, debtor_gender, debtor_birth_date, start_date,
    end_date, tenor_months exactly; debtor_name after trim, collapsing blanks and upper-casing
    (NameNormal.form); sum_insured within config tolerance_idr; premium_amount only when the ledger's
    sum_insured differs from the bank's (beyond tolerance), and then against the rate-derived expected
    premium round_half_up(sum_insured x rate / 1000), the rate being the product's band for the tenor
    (the row's own premium_rate_permille when the config has no such product), not the bank's stated
    premium. A ledger field left empty differs from any bank value. NIK values are masked as rekon masks
    them (all but the last four characters as *).

What it does not reproduce:

  * PREMIUM_MISCALCULATED (the bank's stated premium against the rate-derived one, and the ledger's
    premium when its sum insured agrees), STATUS_MISMATCH (ACTIVE/EXPIRED as of the cut-off) and
    REFUND_MISMATCH: not computed at all, so rekon's counts for these stand alone.
  * Rule 2 compares a row with every earlier first row of its loan, where rekon compares it only with the
    earlier rows that were not themselves loan duplicates; they differ only for three or more overlapping
    refs of one loan (the generated world has pairs).
  * Rejected-row details (reason codes, rejects.csv), break ids, version/cause/amount columns, the
    corrections, the corrected ledger, the canonical exports, summary.json, report.html and the manifest
    with SHA-256 hashes that rekon also writes: the SQL job writes breaks.csv only.
  * read_csv takes a row with one field too many whose last field is empty as a row with a trailing
    comma: it keeps the row, drops that field, and the fields after the extra one are shifted. Such a row
    then fails validation, so it is still rejected, but SQL records its (bank_code, policy_ref) as a
    rejected key, which rekon does not do for a BAD_ROW. In the generated world, 18 of the 714 BAD_ROW
    rows at 1M policies are like this, and none of them has a certificate, so no count changes.
  * XML drops, custom profiles (other layouts, date or number formats), endorsements and claims.
  * Dates are checked as YYYY-MM-DD and numbers in the standard format only (no thousands separators),
    which is what the standard CSV profiles read.

usage: duckdb_job.py --config rekon.json --bank DIR --ledger DIR --out DIR
"""
import argparse
import decimal
import glob
import json
import os
import shutil
import sys
import time

import duckdb

BANK_COLUMNS = [
    "policy_ref", "bank_code", "branch_code", "product_code", "coverage_type", "debtor_nik", "debtor_name",
    "debtor_birth_date", "debtor_gender", "debtor_address", "debtor_phone", "loan_no", "plafond", "sum_insured",
    "start_date", "tenor_months", "end_date", "premium_rate_permille", "premium_amount", "currency",
]
LEDGER_COLUMNS = [
    "certificate_no", "policy_ref", "bank_code", "product_code", "coverage_type", "debtor_nik", "debtor_name",
    "debtor_birth_date", "debtor_gender", "loan_no", "sum_insured", "start_date", "end_date", "tenor_months",
    "premium_amount", "status", "refund_amount", "replaced_by", "last_endorsement_ref", "updated_at",
]
CATEGORIES = ["MISSING_IN_LEDGER", "MISSING_IN_BANK", "DUPLICATE_IN_BANK", "DUPLICATE_IN_LEDGER", "FIELD_MISMATCH"]
COMPARED = ["debtor_nik", "debtor_name", "debtor_birth_date", "debtor_gender", "sum_insured", "start_date",
            "end_date", "tenor_months", "premium_amount"]
COVERAGE = ["LIFE", "LIFE_PHK", "CREDIT"]
CERTIFICATE_STATUS = ["ACTIVE", "REPLACED", "SETTLED", "CANCELLED", "CLAIMED", "EXPIRED"]
INT64_MAX = 2**63 - 1


# ---- SQL snippets -------------------------------------------------------------------------------

def q(s):
    """A SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def in_list(values):
    return "(" + ", ".join(q(v) for v in values) + ")"


def blank_trim(col):
    """rekon trims spaces and tabs; an empty field is absent (NULL). (Tested first: trim() with a set of
    characters costs several times more than these tests, and most fields have nothing to trim.)"""
    return (f"CASE WHEN starts_with({col}, ' ') OR ends_with({col}, ' ') OR contains({col}, '\t') "
            f"THEN NULLIF(trim({col}, ' \t'), '') ELSE NULLIF({col}, '') END")


def as_date(x):
    return f"CASE WHEN regexp_full_match({x}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') THEN TRY_CAST({x} AS DATE) END"


def as_amount(x):
    """A whole non-negative number; a zero fraction (`100.00`) is allowed, as in NumberFormat."""
    return (f"CASE WHEN regexp_full_match({x}, '\\+?[0-9]{{1,18}}(\\.0+)?') "
            f"THEN TRY_CAST(split_part(ltrim({x}, '+'), '.', 1) AS BIGINT) END")


def as_months(x):
    return f"CASE WHEN {as_amount(x)} BETWEEN 1 AND 1200 THEN {as_amount(x)} END"


def as_rate_micros(x):
    """A rate per mille with at most six decimals (more only as trailing zeros), in millionths."""
    return (f"CASE WHEN regexp_full_match({x}, '\\+?[0-9]{{1,12}}(\\.[0-9]{{1,6}}0*)?') "
            f"THEN CAST(round(CAST(ltrim({x}, '+') AS DECIMAL(38, 12)) * 1000000) AS BIGINT) END")


def code_or_null(x, codes):
    return f"CASE WHEN {x} IN {in_list(codes)} THEN {x} END"


def years(at, birth):
    """Completed years from birth to at (Day.years(since:))."""
    return (f"(year({at}) - year({birth}) - CASE WHEN month({at}) * 100 + day({at}) "
            f"< month({birth}) * 100 + day({birth}) THEN 1 ELSE 0 END)")


def any_of(conditions):
    """True when any condition is true; a NULL (unknown) condition counts as false."""
    return "(" + "\n        OR ".join(f"coalesce({c}, false)" for c in conditions) + ")"


def mask(x):
    return f"CASE WHEN length({x}) <= 4 THEN repeat('*', length({x})) ELSE repeat('*', length({x}) - 4) || right({x}, 4) END"


def name_form(x):
    """NameNormal.form: trim, collapse blanks, upper-case."""
    return f"upper(regexp_replace(trim(coalesce({x}, ''), ' \t\n\r'), '[ \t\n\r]+', ' ', 'g'))"


# ---- config -------------------------------------------------------------------------------------

def micros(v):
    return int((decimal.Decimal(str(v)) * 1_000_000).to_integral_value())


def load_config(path):
    with open(path, "rb") as f:
        c = json.load(f, parse_float=decimal.Decimal)
    products, bands = [], []
    for code, p in (c.get("products") or {}).items():
        code = code.upper()
        lim = lambda k, m: (p.get(k) or {}).get(m)
        products.append((code, lim("entry_age", "min"), lim("entry_age", "max"), p.get("max_age_at_maturity"),
                         lim("tenor_months", "min"), lim("tenor_months", "max"),
                         lim("sum_insured", "min"), lim("sum_insured", "max")))
        rate = p["rate_permille"]
        if isinstance(rate, list):
            lo = 0
            for band in rate:
                bands.append((code, lo, int(band["max_tenor_months"]), micros(band["rate_permille"])))
                lo = int(band["max_tenor_months"])
        else:
            bands.append((code, 0, INT64_MAX, micros(rate)))
    tol = c.get("tolerance_idr", 0)
    tolerance = (lambda f: int(tol)) if not isinstance(tol, dict) else (lambda f: int(tol.get(f, tol.get("*", 0))))
    return products, bands, tolerance


# ---- the job ------------------------------------------------------------------------------------

def files(directory, patterns):
    found = set()
    for p in patterns:
        found.update(glob.glob(os.path.join(directory, p)))
    return sorted(found, key=os.path.basename)


def read_csv(paths, columns, name):
    cols = "{" + ", ".join(f"{q(c)}: 'VARCHAR'" for c in columns) + "}"
    return (f"read_csv([{', '.join(q(p) for p in paths)}], columns = {cols}, header = true, delim = ',', "
            f"quote = '\"', escape = '\"', auto_detect = false, ignore_errors = true, store_rejects = true, "
            f"rejects_table = '{name}_malformed', rejects_scan = '{name}_scans')")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", required=True)
    ap.add_argument("--bank", required=True, help="folder of bank drops")
    ap.add_argument("--ledger", required=True, help="folder of ledger exports")
    ap.add_argument("--out", required=True, help="output folder (breaks.csv)")
    a = ap.parse_args()

    phases = {}
    clock = [time.perf_counter()]

    def mark(phase):
        now = time.perf_counter()
        phases[phase] = round((now - clock[0]) * 1000)
        clock[0] = now

    products, bands, tolerance = load_config(a.config)
    bank_files = files(a.bank, ["*_NB_*.csv", "*_NB_*.csv.gz"])
    ledger_files = files(a.ledger, ["ledger_certificates*.csv", "ledger_certificates*.csv.gz"])
    if not bank_files or not ledger_files:
        sys.exit(f"duckdb_job: no bank NB CSV in {a.bank} or no ledger certificate CSV in {a.ledger}")
    skipped = [f for f in os.listdir(a.bank) if f.endswith(".xml")]
    if skipped:
        print(f"duckdb_job: warning: {len(skipped)} XML drops in {a.bank} are not read", file=sys.stderr)
    os.makedirs(a.out, exist_ok=True)

    # Defaults otherwise (all threads, memory limit); spill files, if any, go under OUT, and the input
    # order that the duplicate rules need is kept by the typed tables (their rowid).
    temp = os.path.join(a.out, ".duckdb-tmp")
    con = duckdb.connect(config={"temp_directory": temp, "preserve_insertion_order": True})
    x = con.execute
    x("CREATE TABLE products (code VARCHAR, entry_min BIGINT, entry_max BIGINT, max_age BIGINT, "
      "tenor_min BIGINT, tenor_max BIGINT, si_min BIGINT, si_max BIGINT)")
    x("CREATE TABLE bands (code VARCHAR, lo BIGINT, hi BIGINT, micros BIGINT)")
    if products:
        con.executemany("INSERT INTO products VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [[None if v is None else (v if isinstance(v, str) else int(v)) for v in p] for p in products])
        con.executemany("INSERT INTO bands VALUES (?, ?, ?, ?)", bands)
    mark("setup")

    # -- load the bank rows, typed in the same pass; a typed table keeps the input order (rowid) --
    t = {c: blank_trim(c) for c in BANK_COLUMNS if c not in ("branch_code", "debtor_address", "debtor_phone")}
    for c in ("bank_code", "product_code", "coverage_type", "debtor_gender", "currency"):
        t[c] = f"upper({t[c]})"
    typed = {
        "coverage_type": code_or_null("r.coverage_type", COVERAGE),
        "debtor_nik": "CASE WHEN regexp_full_match(r.debtor_nik, '[0-9]{16}') THEN r.debtor_nik END",
        "debtor_gender": code_or_null("r.debtor_gender", ["M", "F"]),
        "debtor_birth_date": as_date("r.debtor_birth_date"),
        "start_date": as_date("r.start_date"),
        "end_date": as_date("r.end_date"),
        "plafond": as_amount("r.plafond"),
        "sum_insured": as_amount("r.sum_insured"),
        "premium_amount": as_amount("r.premium_amount"),
        "tenor_months": as_months("r.tenor_months"),
        "rate_micros": as_rate_micros("r.premium_rate_permille"),
    }
    raw_of = {"rate_micros": "premium_rate_permille"}
    required = ["policy_ref", "bank_code", "product_code", "coverage_type", "debtor_nik", "debtor_name",
                "debtor_birth_date", "debtor_gender", "loan_no", "sum_insured", "start_date", "tenor_months",
                "end_date", "premium_rate_permille", "premium_amount"]
    # MISSING_FIELD, BAD_CODE, BAD_NIK, BAD_DATE, BAD_NUMBER.
    field_problems = [f"r.{c} IS NULL" for c in required]
    field_problems += [f"r.{raw_of.get(c, c)} IS NOT NULL AND {e} IS NULL" for c, e in typed.items()]
    field_problems += ["r.currency IS NOT NULL AND r.currency <> 'IDR'"]
    x(f"""
    CREATE TABLE bank_typed AS
    SELECT r.policy_ref, r.bank_code, r.product_code, r.loan_no, r.debtor_name,
      {', '.join(f'{e} AS {c}' for c, e in typed.items())},
      {any_of(field_problems)} AS bad_field
    FROM (SELECT {', '.join(f'{e} AS {c}' for c, e in t.items())}
          FROM {read_csv(bank_files, BANK_COLUMNS, 'bank')}) r
    """)
    mark("read_bank")

    # The row rules of RowRules.checkPolicy, on the typed values.
    rules = [
        # NIK_MISMATCH
        "NOT (CAST(substr(b.debtor_nik, 7, 2) AS INTEGER) = day(b.debtor_birth_date)"
        " + CASE WHEN b.debtor_gender = 'F' THEN 40 ELSE 0 END"
        " AND CAST(substr(b.debtor_nik, 9, 2) AS INTEGER) = month(b.debtor_birth_date)"
        " AND CAST(substr(b.debtor_nik, 11, 2) AS INTEGER) = year(b.debtor_birth_date) % 100)",
        # INCONSISTENT_DATES
        "CAST(b.start_date + to_months(CAST(b.tenor_months AS INTEGER)) AS DATE) <> b.end_date",
        # OUT_OF_LIMITS against the plafond
        "b.sum_insured <= 0",
        "b.sum_insured > coalesce(b.plafond, b.sum_insured)",
    ]
    if products:
        rules += [
            "b.product_code IS NOT NULL AND p.code IS NULL",  # UNKNOWN_PRODUCT
            "p.code IS NOT NULL AND b.tenor_months IS NOT NULL AND bd.code IS NULL",
            "b.tenor_months < p.tenor_min", "b.tenor_months > p.tenor_max",
            "b.sum_insured > 0 AND b.sum_insured < p.si_min", "b.sum_insured > 0 AND b.sum_insured > p.si_max",
            f"{years('b.start_date', 'b.debtor_birth_date')} < p.entry_min",
            f"{years('b.start_date', 'b.debtor_birth_date')} > p.entry_max",
            f"{years('b.end_date', 'b.debtor_birth_date')} > p.max_age",
        ]
    x(f"""
    CREATE TABLE bank AS
    SELECT b.rowid AS pos, b.bank_code, b.policy_ref, b.loan_no, b.debtor_name, b.debtor_nik,
      b.debtor_birth_date, b.debtor_gender, b.sum_insured, b.start_date, b.end_date, b.tenor_months,
      CAST((2 * CAST(b.sum_insured AS HUGEINT) * coalesce(bd.micros, b.rate_micros) + 1000000000)
           // 2000000000 AS BIGINT) AS expected_premium,
      b.bad_field OR {any_of(rules)} AS rejected
    FROM bank_typed b
    LEFT JOIN products p ON p.code = b.product_code
    LEFT JOIN bands bd ON bd.code = b.product_code AND b.tenor_months > bd.lo AND b.tenor_months <= bd.hi
    """)
    mark("validate_bank")

    # -- load the ledger rows, typed; a bad type or code drops the row ------------------------------
    lt = {c: blank_trim(c) for c in LEDGER_COLUMNS if c not in ("replaced_by", "last_endorsement_ref", "updated_at")}
    for c in ("bank_code", "product_code", "coverage_type", "debtor_gender", "status"):
        lt[c] = f"upper({lt[c]})"
    ltyped = {
        "debtor_birth_date": as_date, "start_date": as_date, "end_date": as_date, "sum_insured": as_amount,
        "premium_amount": as_amount, "tenor_months": as_months,
    }
    codes = {"coverage_type": COVERAGE, "debtor_gender": ["M", "F"], "status": CERTIFICATE_STATUS}
    ledger_problems = [f"r.{c} IS NULL" for c in ("certificate_no", "policy_ref", "bank_code")]
    ledger_problems += [f"r.{c} IS NOT NULL AND {f('r.' + c)} IS NULL" for c, f in ltyped.items()]
    ledger_problems += [f"r.refund_amount IS NOT NULL AND {as_amount('r.refund_amount')} IS NULL"]
    ledger_problems += [f"r.{c} IS NOT NULL AND r.{c} NOT IN {in_list(v)}" for c, v in codes.items()]
    x(f"""
    CREATE TABLE ledger AS
    SELECT r.certificate_no, r.bank_code, r.policy_ref, r.debtor_nik, r.debtor_name, r.debtor_gender,
      {', '.join(f"{f('r.' + c)} AS {c}" for c, f in ltyped.items())},
      {any_of(ledger_problems)} AS rejected
    FROM (SELECT {', '.join(f'{e} AS {c}' for c, e in lt.items())}
          FROM {read_csv(ledger_files, LEDGER_COLUMNS, 'ledger')}) r
    """)
    mark("read_ledger")

    # -- bank duplicates and the kept policies ---------------------------------------------------
    x("""
    CREATE TABLE accepted AS
    SELECT *, row_number() OVER (PARTITION BY bank_code, policy_ref ORDER BY pos) AS occurrence
    FROM bank WHERE NOT rejected
    """)
    x("""
    CREATE TABLE loan_duplicates AS
    WITH first_rows AS (
      SELECT * FROM accepted WHERE occurrence = 1
      QUALIFY count(*) OVER (PARTITION BY bank_code, loan_no, debtor_nik) > 1
    )
    SELECT p.bank_code, p.policy_ref, p.loan_no FROM first_rows p
    WHERE EXISTS (
      SELECT 1 FROM first_rows e
      WHERE e.bank_code = p.bank_code AND e.loan_no = p.loan_no AND e.debtor_nik = p.debtor_nik
        AND e.pos < p.pos AND e.start_date < p.end_date AND p.start_date < e.end_date)
    """)
    x("""
    CREATE TABLE kept AS
    SELECT * FROM accepted a WHERE occurrence = 1
      AND NOT EXISTS (SELECT 1 FROM loan_duplicates d WHERE d.bank_code = a.bank_code AND d.policy_ref = a.policy_ref)
    """)
    # How the bank side answers a ledger key: 1 kept policy, 2 loan duplicate (voided), 3 rejected row.
    x("""
    CREATE TABLE bank_keys AS
    SELECT bank_code, policy_ref, min(answer) AS answer FROM (
      SELECT bank_code, policy_ref, 1 AS answer FROM kept
      UNION ALL SELECT bank_code, policy_ref, 2 FROM loan_duplicates
      UNION ALL SELECT bank_code, policy_ref, 3 FROM bank
        WHERE rejected AND bank_code IS NOT NULL AND policy_ref IS NOT NULL
    ) GROUP BY bank_code, policy_ref
    """)

    # -- ledger versions and duplicates ------------------------------------------------------------
    # nth 1 is version 1; a certificate starting on the same date as the one before it is a duplicate;
    # any other with nth > 1 starts a later version.
    x("""
    CREATE TABLE certificates AS
    SELECT l.*, k.answer,
      row_number() OVER w AS nth,
      row_number() OVER w > 1 AND l.start_date IS NOT DISTINCT FROM lag(l.start_date) OVER w AS duplicate
    FROM ledger l LEFT JOIN bank_keys k USING (bank_code, policy_ref)
    WHERE NOT l.rejected
    WINDOW w AS (PARTITION BY l.bank_code, l.policy_ref ORDER BY l.start_date NULLS FIRST, l.certificate_no)
    """)
    mark("keys")

    # -- the breaks ------------------------------------------------------------------------------
    x("""
    CREATE TABLE pairs AS
    SELECT k.*, c.certificate_no, c.debtor_nik AS l_nik, c.debtor_name AS l_name,
      c.debtor_birth_date AS l_birth, c.debtor_gender AS l_gender, c.sum_insured AS l_si,
      c.start_date AS l_start, c.end_date AS l_end, c.tenor_months AS l_tenor, c.premium_amount AS l_premium
    FROM kept k JOIN certificates c USING (bank_code, policy_ref)
    WHERE c.nth = 1
    """)
    tol_si, tol_premium = tolerance("sum_insured"), tolerance("premium_amount")
    differs = {
        "debtor_nik": ("l_nik IS DISTINCT FROM debtor_nik", mask("debtor_nik"), mask("l_nik")),
        "debtor_name": (f"l_name IS DISTINCT FROM debtor_name AND {name_form('l_name')} <> {name_form('debtor_name')}",
                        "debtor_name", "l_name"),
        "debtor_birth_date": ("l_birth IS DISTINCT FROM debtor_birth_date", "debtor_birth_date", "l_birth"),
        "debtor_gender": ("l_gender IS DISTINCT FROM debtor_gender", "debtor_gender", "l_gender"),
        "sum_insured": (f"l_si IS NULL OR abs(l_si - sum_insured) > {tol_si}", "sum_insured", "l_si"),
        "start_date": ("l_start IS DISTINCT FROM start_date", "start_date", "l_start"),
        "end_date": ("l_end IS DISTINCT FROM end_date", "end_date", "l_end"),
        "tenor_months": ("l_tenor IS DISTINCT FROM tenor_months", "tenor_months", "l_tenor"),
        # Only when the sum insured differs; else rekon checks it as PREMIUM_MISCALCULATED.
        "premium_amount": (f"(l_si IS NULL OR abs(l_si - sum_insured) > {tol_si}) "
                           f"AND (l_premium IS NULL OR abs(l_premium - expected_premium) > {tol_premium})",
                           "expected_premium", "l_premium"),
    }
    assert list(differs) == COMPARED
    text = lambda e: f"coalesce(CAST({e} AS VARCHAR), '')"
    mismatches = "\n      UNION ALL ".join(
        f"SELECT 'FIELD_MISMATCH', bank_code, policy_ref, '{f}', {text(b)}, {text(l)} FROM pairs WHERE {cond}"
        for f, (cond, b, l) in differs.items())
    x(f"""
    CREATE TABLE breaks AS
    SELECT * FROM (
      SELECT 'DUPLICATE_IN_BANK' AS category, bank_code, policy_ref, 'policy_ref' AS field,
        policy_ref AS bank_value, '' AS ledger_value
      FROM accepted WHERE occurrence > 1
      UNION ALL SELECT 'DUPLICATE_IN_BANK', bank_code, policy_ref, 'loan_no', loan_no, '' FROM loan_duplicates
      UNION ALL SELECT 'DUPLICATE_IN_LEDGER', bank_code, policy_ref, 'certificate_no', '', certificate_no
        FROM certificates WHERE duplicate AND coalesce(answer, 1) = 1
      UNION ALL SELECT 'MISSING_IN_BANK', bank_code, policy_ref, '', '', certificate_no
        FROM certificates WHERE NOT duplicate AND (answer IS NULL OR (answer = 1 AND nth > 1))
      UNION ALL SELECT 'MISSING_IN_LEDGER', bank_code, policy_ref, '', policy_ref, '' FROM kept k
        WHERE NOT EXISTS (SELECT 1 FROM certificates c WHERE c.bank_code = k.bank_code AND c.policy_ref = k.policy_ref)
      UNION ALL {mismatches}
    )
    """)
    mark("breaks")
    out = os.path.join(a.out, "breaks.csv")
    x(f"COPY (SELECT * FROM breaks ORDER BY bank_code, policy_ref, category, field, ledger_value) "
      f"TO {q(out)} (HEADER, DELIMITER ',')")
    mark("copy")

    one = lambda sql: x(sql).fetchone()[0]
    by_category = dict.fromkeys(CATEGORIES, 0)
    by_category.update(dict(x("SELECT category, count(*) FROM breaks GROUP BY category").fetchall()))
    by_field = dict.fromkeys(COMPARED, 0)
    by_field.update(dict(x("SELECT field, count(*) FROM breaks WHERE category = 'FIELD_MISMATCH' GROUP BY field").fetchall()))
    malformed = lambda name: one(f"SELECT count(*) FROM (SELECT DISTINCT scan_id, file_id, line FROM {name}_malformed)")
    result = {
        "engine": "duckdb " + one("SELECT version()"),
        "threads": int(one("SELECT current_setting('threads')")),
        "inputs": {
            "bank_files": len(bank_files), "ledger_files": len(ledger_files),
            "bank_rows": one("SELECT count(*) FROM bank") + malformed("bank"),
            "bank_rejected": one("SELECT count(*) FROM bank WHERE rejected") + malformed("bank"),
            "bank_malformed": malformed("bank"),
            "bank_policies": one("SELECT count(*) FROM kept"),
            "ledger_certificates": one("SELECT count(*) FROM ledger WHERE NOT rejected"),
            "ledger_rejected": one("SELECT count(*) FROM ledger WHERE rejected") + malformed("ledger"),
        },
        "breaks": {"total": sum(by_category.values()), "by_category": by_category,
                   "field_mismatch_by_field": by_field},
        "out": out,
    }
    mark("counts")
    result["phases_ms"] = phases
    con.close()
    if os.path.isdir(temp):
        shutil.rmtree(temp, ignore_errors=True)
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
