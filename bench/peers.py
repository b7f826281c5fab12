#!/usr/bin/env python3
"""Our best tie to every person of an account and the k best introduction paths to
them, computed three ways on the same generated account:

- guanxi (`guanxi paths --json`: the graph engine, timed inside the process);
- Python with networkx, the way an analyst would: read the tables, compute the
  effective strengths, build a DiGraph, Dijkstra from each target;
- PostgreSQL with recursive CTEs, the way a SQL-based CRM would: effective
  strengths in SQL, then every walk back from the target up to a depth.

Checks that the three agree (our best tie to 1e-9; the k path strengths to 1e-9,
and the entry employees wherever a strength is not tied) and prints time ratios.

    python3 bench/peers.py --guanxi target/release/guanxi --postgres URL [--sizes 200,2000]

The formulas are docs/scoring.md's: effective strength with a 90-day half-life and
a floor of 0.5, path strength the product of 0.85 x s / 5 over the hops, reporting
lines lending 3 (solid) and 2 (dotted) both ways, influence ties in their
direction, informal ties both ways.
"""
import argparse
import json
import math
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date

import networkx as nx
import psycopg

HOP_FACTOR = 0.85
HALF_LIFE = 90.0
FLOOR = 0.5
SOLID, DOTTED = 3, 2
TOLERANCE = 1e-9


def cost(strength):
    return -math.log(HOP_FACTOR * strength / 5.0)


def weight(age_days):
    return 2.0 ** (-max(age_days, 0) / HALF_LIFE)


def effective(strength, assessed_on, contacts, as_of):
    keep = 1.0 - weight((as_of - assessed_on).days)
    for d in contacts:
        if d <= as_of:
            keep *= 1.0 - weight((as_of - d).days)
    warmth = min(max(1.0 - keep, 0.0), 1.0)
    s = min(max(strength, 0), 5)
    return s * (FLOOR + (1.0 - FLOOR) * warmth)


def as_uuid(v):
    return uuid.UUID(bytes=v) if isinstance(v, bytes) else uuid.UUID(str(v))


# ---------------------------------------------------------------- networkx


def networkx_answers(db_path, account, as_of, k):
    """What an analyst writes: load, derive, build, then Dijkstra per target."""
    t0 = time.perf_counter()
    con = sqlite3.connect(db_path)
    acc = uuid.UUID(account).bytes
    people = {as_uuid(r[0]) for r in con.execute(
        "select person_id from person where account_id = ?", (acc,))}
    active = {as_uuid(r[0]) for r in con.execute(
        "select employee_id from employee where status = 'active'")}
    contacts = {}
    for e, p, on in con.execute(
            """select ie.employee_id, ip.person_id, i.occurred_on from interaction i
               join interaction_employee ie on ie.interaction_id = i.interaction_id
               join interaction_person ip on ip.interaction_id = i.interaction_id
               where i.account_id = ?""", (acc,)):
        contacts.setdefault((as_uuid(e), as_uuid(p)), []).append(date.fromisoformat(on))
    ours = {}      # person -> [(employee, effective)]
    people_graph = nx.DiGraph()
    people_graph.add_nodes_from(people)

    def link(a, b, s):
        if s <= 0 or a not in people or b not in people:
            return
        c = cost(s)
        if not people_graph.has_edge(a, b) or people_graph[a][b]["w"] > c:
            people_graph.add_edge(a, b, w=c)

    for kind, tie, e, p, q, s, at in con.execute(
            """select kind, tie, employee_id, person_id, other_person_id, strength, assessed_at
               from relationship where account_id = ?""", (acc,)):
        if kind == "employee_person":
            e, p = as_uuid(e), as_uuid(p)
            if e in active and p in people:
                eff = effective(s, date.fromisoformat(at[:10]), contacts.get((e, p), []), as_of)
                ours.setdefault(p, []).append((e, eff))
        elif kind == "person_person":
            p, q = as_uuid(p), as_uuid(q)
            link(p, q, s)
            if tie == "informal":
                link(q, p, s)
    for person, manager, kind in con.execute(
            """select person_id, manager_id, kind from reporting_line where account_id = ?
               and valid_from <= ? and (valid_to is null or valid_to > ?)""",
            (acc, as_of.isoformat(), as_of.isoformat())):
        s = DOTTED if kind == "dotted" else SOLID
        link(as_uuid(manager), as_uuid(person), s)
        link(as_uuid(person), as_uuid(manager), s)
    entries = {}   # employee -> [(person, cost)]
    for p, ties in ours.items():
        for e, eff in ties:
            if eff > 0:
                entries.setdefault(e, []).append((p, cost(eff)))
    backwards = people_graph.reverse(copy=True)
    build = time.perf_counter() - t0

    t1 = time.perf_counter()
    answers = {}
    for target in people:
        kp = max((eff for _, eff in ours.get(target, [])), default=0.0) / 5.0
        to_target = nx.single_source_dijkstra_path_length(backwards, target, weight="w")
        best = []
        for e, crossings in entries.items():
            c = min((c + to_target[p] for p, c in crossings if p in to_target), default=None)
            if c is not None:
                best.append((c, e))
        best.sort(key=lambda x: x[0])
        # One more than asked, so the check can see a tie at the k-th answer.
        answers[target] = (kp, [(math.exp(-c), e) for c, e in best[:k + 1]])
    return answers, build, time.perf_counter() - t1


# ---------------------------------------------------------------- PostgreSQL

EDGES_SQL = """
create temporary table contact as
  select ie.employee_id, ip.person_id, i.occurred_on
  from interaction i
  join interaction_employee ie on ie.interaction_id = i.interaction_id
  join interaction_person ip on ip.interaction_id = i.interaction_id
  where i.account_id = %(account)s and i.occurred_on <= %(as_of)s;
create temporary table ours as
  with tie as (
    select r.employee_id, r.person_id, least(greatest(r.strength, 0), 5)::float8 as s,
           (r.assessed_at at time zone 'UTC')::date as on_
    from relationship r
    join employee e on e.employee_id = r.employee_id and e.status = 'active'
    join person p on p.person_id = r.person_id and p.account_id = %(account)s
    where r.account_id = %(account)s and r.kind = 'employee_person'),
  evidence as (
    select t.employee_id, t.person_id, t.s, t.on_ as d from tie t
    union all
    select t.employee_id, t.person_id, t.s, c.occurred_on from tie t
    join contact c on c.employee_id = t.employee_id and c.person_id = t.person_id),
  keep as (
    select employee_id, person_id, s,
           case when bool_or(%(as_of)s - d <= 0) then 0.0
                else exp(sum(ln(1.0 - power(2.0, -(%(as_of)s - d) / 90.0)))) end as keep
    from evidence group by employee_id, person_id, s)
  select employee_id, person_id,
         s * (0.5 + 0.5 * least(greatest(1.0 - keep, 0.0), 1.0)) as eff
  from keep;
create temporary table person_edge as
  with raw as (
    select r.person_id as src, r.other_person_id as dst, r.strength::float8 as s
    from relationship r where r.account_id = %(account)s and r.kind = 'person_person'
    union all
    select r.other_person_id, r.person_id, r.strength
    from relationship r where r.account_id = %(account)s and r.kind = 'person_person' and r.tie = 'informal'
    union all
    select l.manager_id, l.person_id, case when l.kind = 'dotted' then 2 else 3 end
    from reporting_line l where l.account_id = %(account)s
      and l.valid_from <= %(as_of)s and (l.valid_to is null or l.valid_to > %(as_of)s)
    union all
    select l.person_id, l.manager_id, case when l.kind = 'dotted' then 2 else 3 end
    from reporting_line l where l.account_id = %(account)s
      and l.valid_from <= %(as_of)s and (l.valid_to is null or l.valid_to > %(as_of)s))
  select src, dst, min(-ln(0.85 * s / 5.0)) as cost from raw where s > 0 group by src, dst;
create index on person_edge (dst);
create temporary table entry_edge as
  select employee_id, person_id, -ln(0.85 * eff / 5.0) as cost from ours where eff > 0;
create index on entry_edge (person_id);
analyze person_edge; analyze entry_edge;
"""

PATHS_SQL = """
with recursive walk(node, cost, depth, seen) as (
    select %(target)s::uuid, 0.0::float8, 0, array[%(target)s::uuid]
  union all
    select e.src, w.cost + e.cost, w.depth + 1, w.seen || e.src
    from walk w join person_edge e on e.dst = w.node
    where w.depth < %(depth)s and not e.src = any(w.seen)
), best as (
    select node, min(cost) as cost from walk group by node
)
select x.employee_id, min(x.cost + b.cost) as cost
from entry_edge x join best b on b.node = x.person_id
group by x.employee_id order by cost, x.employee_id limit %(k)s
"""

KP_SQL = "select person_id, max(eff) / 5.0 from ours group by person_id"


def sql_answers(url, account, as_of, targets, k, depth):
    with psycopg.connect(url, autocommit=True) as con:
        t0 = time.perf_counter()
        for statement in filter(str.strip, EDGES_SQL.split(";")):
            con.execute(statement, {"account": account, "as_of": as_of})
        kp = {as_uuid(p): v for p, v in con.execute(KP_SQL).fetchall()}
        build = time.perf_counter() - t0
        answers, times = {}, []
        for t in targets:
            t1 = time.perf_counter()
            rows = con.execute(PATHS_SQL, {"target": str(t), "depth": depth, "k": k + 1}).fetchall()
            times.append(time.perf_counter() - t1)
            answers[t] = (kp.get(t, 0.0), [(math.exp(-c), as_uuid(e)) for e, c in rows])
    return answers, build, times


# ---------------------------------------------------------------- checks


def agree(reference, other, targets):
    """(answers compared, mismatches): best tie and path strengths must match;
    entries must match where no other entry (among the peer's k + 1) is as strong."""
    bad = []
    for t in targets:
        kp_a, paths_a = reference[t]
        kp_b, all_b = other[t]
        paths_b = all_b[: len(paths_a)] if len(all_b) > len(paths_a) else all_b
        if abs(kp_a - kp_b) > TOLERANCE:
            bad.append((t, "best tie", kp_a, kp_b))
            continue
        if len(paths_a) != len(paths_b) or any(
                abs(a[0] - b[0]) > TOLERANCE for a, b in zip(paths_a, paths_b)):
            bad.append((t, "path strengths", [a[0] for a in paths_a], [b[0] for b in paths_b]))
            continue
        strengths = [b[0] for b in all_b]
        for i, (a, b) in enumerate(zip(paths_a, paths_b)):
            tied = sum(abs(s - a[0]) <= TOLERANCE for s in strengths) > 1
            if not tied and a[1] != b[1]:
                bad.append((t, f"entry of answer {i + 1}", a[1], b[1]))
    return len(targets), bad


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def one_size(args, people, workdir):
    db = os.path.join(workdir, f"peers-{people}.db")
    if os.path.exists(db):
        os.remove(db)
    gen = ["gen", "--accounts", "1", "--people-per-account", str(people),
           "--employees", str(args.employees), "--seed", str(args.seed)]
    run([args.guanxi, *gen, "--database", f"sqlite://{db}"])
    pg_name = f"guanxi_peers_{people}"
    with psycopg.connect(args.postgres, autocommit=True) as con:
        con.execute(f"drop database if exists {pg_name}")
        con.execute(f"create database {pg_name}")
    pg_url = args.postgres.rsplit("/", 1)[0] + "/" + pg_name
    run([args.guanxi, *gen, "--database", pg_url])
    account = str(as_uuid(sqlite3.connect(db).execute("select account_id from account").fetchone()[0]))

    g = json.loads(run([args.guanxi, "paths", "--database", f"sqlite://{db}",
                        "--account", account, "--k", str(args.k), "--json"]).stdout)
    as_of = date.fromisoformat(g["asOf"])
    ours = {uuid.UUID(a["person"]): (a["kp"], [(p["strength"], uuid.UUID(p["entry"])) for p in a["paths"]])
            for a in g["answers"]}
    targets = sorted(ours)
    deepest = max((p["hops"] for a in g["answers"] for p in a["paths"]), default=1)

    nx_ans, nx_build, nx_time = networkx_answers(db, account, as_of, args.k)
    compared, nx_bad = agree(ours, nx_ans, targets)

    sample = targets[:: max(1, len(targets) // args.sql_targets)][: args.sql_targets]
    # The customer part of a path has hops - 1 person-to-person steps; the walk must
    # reach that deep to find what Dijkstra found.
    sql_ans, sql_build, sql_times = sql_answers(pg_url, account, as_of, sample, args.k, deepest - 1)
    _, sql_bad = agree(ours, sql_ans, sample)

    per = lambda total, n: total / max(n, 1) * 1e3  # noqa: E731  (ms per target)
    row = {
        "people": g["people"],
        "ties": sum(len(v) for v in nx_ans.values()),
        "deepest": deepest,
        "guanxi_build_ms": g["buildMs"],
        "guanxi_ms_per_target": g["pathsMs"] / len(targets),
        "networkx_build_ms": nx_build * 1e3,
        "networkx_ms_per_target": per(nx_time, len(targets)),
        "sql_build_ms": sql_build * 1e3,
        "sql_ms_per_target": statistics.mean(sql_times) * 1e3,
        "sql_targets": len(sample),
        "compared": compared,
        "networkx_mismatches": len(nx_bad),
        "sql_mismatches": len(sql_bad),
    }
    for label, bad in (("networkx", nx_bad), ("SQL", sql_bad)):
        for b in bad[:5]:
            print(f"  {label} disagrees: {b}", file=sys.stderr)
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--guanxi", default="target/release/guanxi")
    ap.add_argument("--postgres", default=os.environ.get("GUANXI_BENCH_POSTGRES_URL",
                                                          "postgres://postgres@127.0.0.1:5432/postgres"))
    ap.add_argument("--sizes", default="200,2000", help="people per account, comma-separated")
    ap.add_argument("--employees", type=int, default=200)
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--sql-targets", type=int, default=20, help="targets timed on PostgreSQL")
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="guanxi-peers-") as workdir:
        for size in (int(s) for s in args.sizes.split(",")):
            rows.append(one_size(args, size, workdir))
    print(f"\nk = {args.k} introduction paths and our best tie, per target person "
          f"(guanxi and networkx: every person; SQL: {args.sql_targets} of them)\n")
    print("| people | guanxi ms | networkx ms | SQL ms | networkx / guanxi | SQL / guanxi | answers checked | disagreements |")
    print("|---|---|---|---|---|---|---|---|")
    failed = False
    for r in rows:
        g = r["guanxi_ms_per_target"]
        print(f"| {r['people']:,} | {g:.4f} | {r['networkx_ms_per_target']:.3f} | {r['sql_ms_per_target']:.1f} "
              f"| {r['networkx_ms_per_target'] / g:,.0f}x | {r['sql_ms_per_target'] / g:,.0f}x "
              f"| {r['compared']:,} + {r['sql_targets']} | {r['networkx_mismatches']} + {r['sql_mismatches']} |")
        failed |= r["networkx_mismatches"] + r["sql_mismatches"] > 0
    print("\nLoading and building (once per account): " + "; ".join(
        f"{r['people']:,} people: guanxi {r['guanxi_build_ms']:.0f} ms, networkx {r['networkx_build_ms']:.0f} ms, "
        f"SQL {r['sql_build_ms']:.0f} ms" for r in rows))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)
    if failed:
        sys.exit("the peers disagree with guanxi")


if __name__ == "__main__":
    main()
