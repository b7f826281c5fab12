#!/usr/bin/env python3
"""Writes a synthetic CSV set in guanxi's own layout (mappings/guanxi.toml) for
import benchmarks: accounts, employees, people and relationship assessments.

    python3 bench/gen_import_csv.py OUT_DIR [--relationships N] [--seed S]

Seeded and reproducible; 1,000,000 relationship rows by default (about 100,000
people at 100 accounts and 500 employees).
"""
import argparse
import csv
import os
import random

LEVELS = ["executive", "management", "operational"]
DEPARTMENTS = ["it", "finance", "procurement", "operations", "network", "business"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--relationships", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    accounts = max(1, args.relationships // 10_000)
    people_per_account = 1_000
    employees = 500

    with open(os.path.join(args.out, "accounts.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["account_ref", "account_name", "industry", "region", "tier"])
        for a in range(accounts):
            # Random syllables: names far enough apart not to be reported as
            # likely duplicates of each other.
            word = "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(4))
            w.writerow([f"A{a}", f"{word.capitalize()} Holdings {a} Co., Ltd.", "telecom", "north_china", "normal"])

    with open(os.path.join(args.out, "employees.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["employee_email", "employee_name", "role"])
        for e in range(employees):
            w.writerow([f"e{e}@ourco.example", f"Employee {e}", "ar"])

    with open(os.path.join(args.out, "people.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["person_ref", "account_ref", "person_name", "department", "level", "reports_to_ref"])
        for a in range(accounts):
            for p in range(people_per_account):
                manager = f"P{a}-{(p - 1) // 10}" if p > 0 else ""
                level = LEVELS[0] if p == 0 else LEVELS[1] if p < 100 else LEVELS[2]
                w.writerow([f"P{a}-{p}", f"A{a}", f"Person {a}-{p}", rng.choice(DEPARTMENTS), level, manager])

    with open(os.path.join(args.out, "relationships.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["employee_email", "person_ref", "strength", "assessed_on", "source"])
        for _ in range(args.relationships):
            a = rng.randrange(accounts)
            w.writerow([
                f"e{rng.randrange(employees)}@ourco.example",
                f"P{a}-{rng.randrange(people_per_account)}",
                rng.randint(0, 5),
                f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
                "import",
            ])


if __name__ == "__main__":
    main()
