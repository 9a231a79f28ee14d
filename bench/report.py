#!/usr/bin/env python3
"""The summary of bench/run.sh: timings from `/usr/bin/time -v`, break counts of both sides.

usage: report.py --times DIR --runs N --rekon-out DIR --duckdb-json FILE --duckdb-out DIR [--label TEXT]...

Prints the summary lines; exits 0 whether or not the two sides agree (the `agree:` line says).
"""
import argparse
import collections
import csv
import json
import os
import re
import statistics
import sys

SHARED = ["MISSING_IN_LEDGER", "MISSING_IN_BANK", "DUPLICATE_IN_BANK", "DUPLICATE_IN_LEDGER", "FIELD_MISMATCH"]
REKON_ONLY = ["PREMIUM_MISCALCULATED", "STATUS_MISMATCH", "REFUND_MISMATCH"]
COMPARED = ["debtor_nik", "debtor_name", "debtor_birth_date", "debtor_gender", "sum_insured", "start_date",
            "end_date", "tenor_months", "premium_amount"]


def parse_time(path):
    """Wall seconds, peak RSS in KiB, CPU percent and exit status from a `/usr/bin/time -v` file."""
    text = open(path, encoding="utf-8", errors="replace").read()

    def field(label):
        m = re.search(r"^\s*" + re.escape(label) + r": (.*)$", text, re.M)
        if not m:
            sys.exit(f"report: no '{label}' in {path}")
        return m.group(1).strip()

    parts = [float(p) for p in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")]
    wall = 0.0
    for p in parts:
        wall = wall * 60 + p
    return {
        "wall": wall,
        "rss_kib": int(field("Maximum resident set size (kbytes)")),
        "cpu": int(field("Percent of CPU this job got").rstrip("%") or 0),
        "status": int(field("Exit status")),
    }


def break_keys(path, categories):
    """(category, bank_code, policy_ref, field) of each break of the given categories, with multiplicity."""
    keys = collections.Counter()
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["category"] in categories:
                keys[(row["category"], row["bank_code"], row["policy_ref"], row["field"])] += 1
    return keys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--times", required=True)
    ap.add_argument("--runs", type=int, required=True)
    ap.add_argument("--rekon-out", required=True)
    ap.add_argument("--duckdb-json", required=True)
    ap.add_argument("--duckdb-out", required=True)
    ap.add_argument("--rekon-trace", help="stderr of a rekon run made with REKON_TRACE=1")
    ap.add_argument("--label", action="append", default=[], help="a line printed first (repeatable)")
    a = ap.parse_args()

    sides = {}
    for side in ("A", "B"):
        sides[side] = [parse_time(os.path.join(a.times, f"{side}-{i}.txt")) for i in range(1, a.runs + 1)]
    summary = json.load(open(os.path.join(a.rekon_out, "summary.json"), encoding="utf-8"))
    duck = json.load(open(a.duckdb_json, encoding="utf-8"))

    rekon_cat = {c: v["count"] for c, v in summary["breaks"]["by_category"].items()}
    rekon_fields = collections.Counter()
    with open(os.path.join(a.rekon_out, "breaks.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["category"] == "FIELD_MISMATCH":
                rekon_fields[row["field"]] += 1
    duck_cat = duck["breaks"]["by_category"]
    duck_fields = duck["breaks"]["field_mismatch_by_field"]

    out = list(a.label)
    med = {s: statistics.median(r["wall"] for r in runs) for s, runs in sides.items()}
    names = {"A": "rekon ", "B": "duckdb"}
    for s, runs in sides.items():
        walls = " ".join(f"{r['wall']:.2f}" for r in runs)
        out.append(f"{names[s]}: median wall {med[s]:.2f} s (runs: {walls}), "
                   f"peak RSS {max(r['rss_kib'] for r in runs) / 1024:.1f} MiB, "
                   f"median CPU {statistics.median(r['cpu'] for r in runs):.0f}%")
    ratio = med["A"] / med["B"] if med["B"] > 0 else float("inf")
    out.append(f"ratio rekon/duckdb (median wall): {ratio:.2f}")
    if a.rekon_trace and os.path.exists(a.rekon_trace):
        phases = re.findall(r"rekon: trace: (.*): (\d+) ms", open(a.rekon_trace, encoding="utf-8").read())
        if phases:
            out.append(f"rekon phases (run {a.runs}): " + ", ".join(f"{p} {int(ms) / 1000:.2f} s" for p, ms in phases))
    if duck.get("phases_ms"):
        out.append(f"duckdb phases (run {a.runs}): "
                   + ", ".join(f"{p} {ms / 1000:.2f} s" for p, ms in duck["phases_ms"].items()))
    out.append(f"rekon: {summary['policies']['bank']} bank policies, {summary['policies']['ledger_certificates']} "
               f"certificates, {summary['rejects']['rows']} rejected rows; duckdb ({duck['engine']}, "
               f"{duck['threads']} threads): {duck['inputs']['bank_policies']} bank policies, "
               f"{duck['inputs']['ledger_certificates']} certificates, {duck['inputs']['bank_rejected']} rejected rows")

    out.append("")
    out.append(f"{'category':<34} {'rekon':>9} {'duckdb':>9}")
    rows = [(c, rekon_cat.get(c, 0), duck_cat.get(c, 0)) for c in SHARED]
    rows += [(f"  FIELD_MISMATCH.{f}", rekon_fields.get(f, 0), duck_fields.get(f, 0)) for f in COMPARED]
    extra = sorted(set(rekon_fields) - set(COMPARED))
    rows += [(f"  FIELD_MISMATCH.{f}", rekon_fields[f], "-") for f in extra]
    for name, r, d in rows:
        mark = "" if r == d or d == "-" else "   <- differs"
        out.append(f"{name:<34} {r:>9} {d:>9}{mark}")
    out.append("rekon only (not computed by the SQL job):")
    for c in REKON_ONLY:
        out.append(f"{'  ' + c:<34} {rekon_cat.get(c, 0):>9} {'-':>9}")
    others = [c for c, n in rekon_cat.items() if n and c not in SHARED + REKON_ONLY]
    for c in others:
        out.append(f"{'  ' + c:<34} {rekon_cat[c]:>9} {'-':>9}")
    out.append(f"{'total':<34} {summary['breaks']['total']:>9} {duck['breaks']['total']:>9}")

    # The same breaks, not only the same counts: (category, bank_code, policy_ref, field) with multiplicity.
    rk = break_keys(os.path.join(a.rekon_out, "breaks.csv"), SHARED)
    dk = break_keys(os.path.join(a.duckdb_out, "breaks.csv"), SHARED)
    common = sum((rk & dk).values())
    out.append(f"same breaks (category, bank_code, policy_ref, field) in the five shared categories: {common} in "
               f"both, {sum((rk - dk).values())} only rekon, {sum((dk - rk).values())} only duckdb")

    agree = all(rekon_cat.get(c, 0) == duck_cat.get(c, 0) for c in ("MISSING_IN_LEDGER", "MISSING_IN_BANK"))
    agree = agree and all(rekon_fields.get(f, 0) == duck_fields.get(f, 0) for f in COMPARED)
    agree = agree and not extra
    out.append("agree: " + ("yes" if agree else "no")
               + " (MISSING_IN_LEDGER, MISSING_IN_BANK and FIELD_MISMATCH per field)")
    print("\n".join(out))


if __name__ == "__main__":
    main()
