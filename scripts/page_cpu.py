"""CPU, waiting and queries per call of the benchmark's page operations, or of any public URL.

On a shared machine wall-clock figures wander; a process's CPU time (``time.process_time``)
does much less, and the time its queries take is measured beside it. Helpers compare two
versions of the code with this on the same benchmark copy (docs/TEAM.md). Run from the
checkout whose code is measured:

    .venv/bin/python scripts/page_cpu.py \\
        --database-url postgres://postgres@127.0.0.1:5432/m1_bench \\
        --ops 'inbox,file page' [-n 40] [--profile]
    .venv/bin/python scripts/page_cpu.py --database-url … \\
        --url /complaints/statistics/ [--language ur]

``--ops`` takes prefixes of the names ``manage.py benchmark`` prints for its page operations
(the desk's, the API's, the CGU's and the entity portal's); ``--url`` GETs a URL as an
anonymous visitor. Each is called five times first (templates, URL resolvers, the test
client's middleware chain), then ``-n`` times timed. ``--profile`` prints cProfile's
cumulative listing of a further ``-n`` calls.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="an existing benchmark dataset")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--ops", help="comma-separated prefixes of benchmark operation names")
    what.add_argument("--url", help="a URL to GET as an anonymous visitor")
    parser.add_argument("--language", default="", help="the visitor's language (--url)")
    parser.add_argument("-n", type=int, default=40, help="calls timed after warming up")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=40, help="lines of the profile")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmark.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    # After django.setup() just above: these import models.
    from benchmark import entity, measure, runner
    from daftar.startup import freeze_loaded_objects

    with override_settings(**runner.OVERRIDES):
        if args.ops:
            sample = measure.draw_sample(60, 1)
            entity.ensure_entity_users(lambda message: None)
            clients = measure.Clients()
            wanted = [w.strip() for w in args.ops.split(",")]
            ops = [
                (op.name, op.call)
                for op in measure.page_ops(sample, clients) + entity.page_ops(clients)
                if any(op.name.startswith(w) for w in wanted)
            ]
            if not ops:
                sys.exit(f"no page operation starts with any of {wanted}")
        else:
            visitor = Client()
            if args.language:
                visitor.cookies["django_language"] = args.language

            def get(_i, url=args.url):
                response = visitor.get(url)
                if response.status_code != 200:
                    sys.exit(f"{response.status_code} for {url}")

            ops = [(args.url, get)]
        for _name, call in ops:
            for i in range(5):
                call(i)
        freeze_loaded_objects()  # as daftar/wsgi.py does
        for name, call in ops:
            cpu, wall = time.process_time(), time.perf_counter()
            for i in range(args.n):
                call(i)
            cpu = (time.process_time() - cpu) / args.n * 1000
            wall = (time.perf_counter() - wall) / args.n * 1000
            waited, queries = 0.0, 0
            for i in range(10):
                with CaptureQueriesContext(connection) as captured:
                    call(i)
                waited += sum(float(q["time"]) for q in captured.captured_queries) * 100
                queries = len(captured.captured_queries)
            print(
                f"{name:50s} CPU {cpu:6.1f} ms  wall {wall:6.1f} ms  "
                f"in queries {waited:6.1f} ms  queries {queries}"
            )
            if args.profile:
                profile = cProfile.Profile()
                profile.enable()
                for i in range(args.n):
                    call(i)
                profile.disable()
                pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
