"""Throughput of tikhash's adapters beside what a data team would write without it.

Spark local[2]: `hash_column` against the built-in `sha2(lower(trim(email)), 256)` (which does
no validation and no E.164) for emails, and against a `phonenumbers` Python UDF for phones.
An identity `arrow_udf` measures what any Arrow UDF costs Spark before it does anything. The
phonenumbers UDF runs on fewer rows (`--phone-udf-rows`): its rate is per row, so the ratio is
given both on the same rows and against hash_column's rate on the full table. DuckDB:
`tikhash_hash` against `sha256(lower(trim(email)))`. Every timing is a full pass that
writes nowhere (Spark's `noop` sink, DuckDB's `count` of a computed column), rounds are
interleaved, medians are printed.

    python/.venv/bin/python python/bench/bench.py [--rows 10000000] [--phone-udf-rows 1000000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time


def spark_session():
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("tikhash-bench")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def make_table(spark, rows: int, path: str) -> None:
    """Emails with mixed case and white space around, US phones in mixed national formats."""
    from pyspark.sql import functions as F

    df = spark.range(rows).select(
        F.concat(F.lit(" User."), F.col("id"), F.lit("@Example.COM ")).alias("email"),
        F.format_string(
            "(%d) %03d-%04d", (F.col("id") % 700 + 201), (F.col("id") / 7 % 800 + 200).cast("int"),
            (F.col("id") % 10000),
        ).alias("phone"),
    )
    df.write.mode("overwrite").parquet(path)


def phonenumbers_udf():
    from pyspark.sql import functions as F

    def e164_sha256(raw):
        import phonenumbers

        if raw is None:
            return None
        try:
            number = phonenumbers.parse(raw, "US")
        except phonenumbers.NumberParseException:
            return None
        if not phonenumbers.is_possible_number(number):
            return None
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return hashlib.sha256(e164.encode()).hexdigest()

    return F.udf(e164_sha256, "string")


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def bench_spark(rows: int, phone_udf_rows: int, rounds: int) -> list[tuple[str, int, list[float]]]:
    from pyspark.sql import functions as F

    from tikhash.spark import hash_column

    spark = spark_session()
    path = os.path.join(tempfile.mkdtemp(prefix="tikhash-bench-"), "customers.parquet")
    make_table(spark, rows, path)
    df = spark.read.parquet(path)
    small = df.limit(phone_udf_rows)
    small_path = path + ".small"
    small.write.mode("overwrite").parquet(small_path)
    small = spark.read.parquet(small_path)
    @F.arrow_udf("string")
    def identity(values):
        return values

    cases = {
        "spark arrow_udf identity (the UDF round trip alone)": (df, lambda d: d.select(identity("email"))),
        "spark sha2(lower(trim(email)), 256)": (df, lambda d: d.select(F.sha2(F.lower(F.trim("email")), 256))),
        "spark tikhash hash_column email": (df, lambda d: d.select(hash_column("email", "email"))),
        "spark tikhash hash_column phone (US)": (df, lambda d: d.select(hash_column("phone", "phone", default_country="US"))),
        "spark phonenumbers UDF (US) + sha256": (small, lambda d: d.select(phonenumbers_udf()("phone"))),
        "spark tikhash hash_column phone (US), same rows": (small, lambda d: d.select(hash_column("phone", "phone", default_country="US"))),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for name, (frame, query) in cases.items():  # warm-up: JIT, Python workers, file cache
        query(frame.limit(10000)).write.format("noop").mode("overwrite").save()
    for _ in range(rounds):
        for name, (frame, query) in cases.items():
            times[name].append(timed(lambda: query(frame).write.format("noop").mode("overwrite").save()))
            print(f"  {name}: {times[name][-1]:.2f} s", file=sys.stderr)
    spark.stop()
    sizes = {name: (phone_udf_rows if frame is small else rows) for name, (frame, _) in cases.items()}
    return [(name, sizes[name], t) for name, t in times.items()]


def bench_duckdb(rows: int, rounds: int) -> list[tuple[str, int, list[float]]]:
    import duckdb

    import tikhash.duckdb

    con = duckdb.connect()
    tikhash.duckdb.register(con)
    con.execute(f"CREATE TABLE t AS SELECT ' User.' || range || '@Example.COM ' AS email FROM range({rows})")
    cases = {
        "duckdb sha256(lower(trim(email)))": "SELECT count(h) FROM (SELECT sha256(lower(trim(email))) AS h FROM t)",
        "duckdb tikhash_hash('email', email)": "SELECT count(h) FROM (SELECT tikhash_hash('email', email) AS h FROM t)",
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, sql in cases.items():
            times[name].append(timed(lambda: con.execute(sql).fetchall()))
            print(f"  {name}: {times[name][-1]:.2f} s", file=sys.stderr)
    return [(name, rows, t) for name, t in times.items()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--phone-udf-rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-spark", action="store_true")
    args = parser.parse_args()
    results = []
    if not args.skip_spark:
        results += bench_spark(args.rows, args.phone_udf_rows, args.rounds)
    results += bench_duckdb(args.rows, args.rounds)
    print(f"\n{args.rounds} interleaved rounds, median; {os.cpu_count()} cores\n")
    print("| implementation | rows | median s | M rows/s | range s |")
    print("|---|---:|---:|---:|---:|")
    rate = {}
    for name, rows, t in results:
        median = statistics.median(t)
        rate[name] = rows / median
        print(f"| {name} | {rows:,} | {median:.2f} | {rows / median / 1e6:.2f} | {min(t):.2f}–{max(t):.2f} |")
    print()
    pairs = [
        ("spark tikhash hash_column email", "spark sha2(lower(trim(email)), 256)", "≥ 0.8×"),
        ("spark arrow_udf identity (the UDF round trip alone)", "spark sha2(lower(trim(email)), 256)", ""),
        ("spark tikhash hash_column phone (US), same rows", "spark phonenumbers UDF (US) + sha256", "≥ 20×"),
        ("spark tikhash hash_column phone (US)", "spark phonenumbers UDF (US) + sha256", "≥ 20×"),
        ("duckdb tikhash_hash('email', email)", "duckdb sha256(lower(trim(email)))", ""),
    ]
    print("| ratio | value | goal |")
    print("|---|---:|---:|")
    for ours, theirs, goal in pairs:
        if ours in rate and theirs in rate:
            print(f"| {ours} / {theirs} | {rate[ours] / rate[theirs]:.2f}× | {goal} |")


if __name__ == "__main__":
    main()
