"""Inserts orders through SQLAlchemy Core, one row per transaction, from several threads; prints a JSON summary.

usage: python3 writer.py --url mysql+pymysql://root@127.0.0.1:3306/ [--customers 300] [--orders 3000]
                         [--threads 4] [--rate ROWS_PER_SECOND]

Creates the shop schema where missing (shop.schema). The summary line, the only output on stdout:
{"rows": 3000, "threads": 4, "elapsed_s": 2.1, "counts": {"17": 9, ...}, "sums": {"17": "4512.07", ...}}
(counts and sums by customer id, of the rows this run wrote). Exits 1 when a thread failed.
"""
import argparse
import json
import random
import sys
import threading
import time
from collections import Counter
from decimal import Decimal

from sqlalchemy import create_engine, text

from shop import schema

INSERT = text("INSERT INTO shop.orders (customer_id, amount) VALUES (:c, :a)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--orders", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rate", type=float, default=0, help="rows per second over all threads; 0: as fast as it can")
    args = parser.parse_args()

    engine = create_engine(args.url, future=True, pool_size=args.threads, max_overflow=0)
    schema.create_missing(engine)
    counts, sums, failures = Counter(), {}, []
    lock = threading.Lock()

    def write(share):
        rng = random.Random()
        interval = args.threads / args.rate if args.rate > 0 else 0
        next_at = time.monotonic()
        try:
            for _ in range(share):
                if interval:
                    next_at += interval
                    time.sleep(max(0.0, next_at - time.monotonic()))
                customer = rng.randint(1, args.customers)
                amount = Decimal(rng.randint(1, 99999)) / 100
                with engine.begin() as db:
                    db.execute(INSERT, {"c": customer, "a": amount})
                with lock:
                    counts[customer] += 1
                    sums[customer] = sums.get(customer, Decimal("0")) + amount
        except Exception as e:
            failures.append(repr(e))

    started = time.monotonic()
    threads = [threading.Thread(target=write, args=(args.orders // args.threads + (i < args.orders % args.threads),))
               for i in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    print(json.dumps({"rows": sum(counts.values()), "threads": args.threads, "elapsed_s": round(elapsed, 3),
                      "counts": {str(c): n for c, n in sorted(counts.items())},
                      "sums": {str(c): str(s) for c, s in sorted(sums.items())}}), flush=True)
    if failures:
        print("writer: %d thread(s) failed: %s" % (len(failures), "; ".join(failures)), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
