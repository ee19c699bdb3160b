"""Count the Python-side instructions of a staff page, for changes too small to time.

On a shared machine a page's time wanders by ±30 % between runs; valgrind's callgrind counts
instructions, which do not (PostgreSQL's and Redis's own work is in other processes and is
not counted). Run once with ``-n 0`` and once with ``-n 40`` and subtract: the difference is
40 pages, signed in as the benchmark's sample officers, on an existing benchmark dataset.

    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.0 \\
        .venv/bin/python scripts/count_page_instructions.py --page file -n 0 \\
        --database-url postgres://postgres@127.0.0.1:5433/daftar_bench100k
    (again with -n 40 and /tmp/cg.40; each "I refs" total is printed at the end)

Set ``PYTHONHASHSEED=0`` and the same ``REDIS_URL`` for both runs. To compare two versions
of the code, count both on the same data, with no benchmark run in between: its mark and
approve phases move files, and so change which pages the sample opens. A run takes a minute
or two under valgrind. Sessions 5 and 6 counted with it ("Python's share, counted", now in
``git log -p docs/benchmarks.md``).
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", choices=["file", "inbox", "search"], default="file")
    parser.add_argument("-n", type=int, default=40, help="pages to open after warming up")
    parser.add_argument("--database-url", required=True, help="an existing benchmark dataset")
    parser.add_argument("--words", default="audit", help="what the search page looks for")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmark.settings")
    import django

    django.setup()
    from django.urls import reverse

    # After django.setup() just above: these import models.
    from benchmark import measure
    from daftar.startup import freeze_loaded_objects

    sample = measure.draw_sample(40, 1)
    clients = measure.Clients()
    if args.page == "file":
        pairs = [(user, reverse("workspace:file", args=[pk])) for user, pk in sample.inbox_files]
    elif args.page == "inbox":
        pairs = [(user, reverse("workspace:home")) for user in sample.users]
    else:
        url = f"{reverse('search:files')}?q={args.words}"
        pairs = [(user, url) for user in sample.users]
    if not pairs:
        sys.exit("the dataset has no sample for this page (is it a benchmark database?)")

    def open_page(i: int) -> None:
        user, url = pairs[i % len(pairs)]
        response = clients.of(user).get(url)
        if response.status_code != 200:
            sys.exit(f"{response.status_code} for {url}")

    for user, _ in pairs:
        clients.of(user)  # sign in outside the counted pages
    for i in range(5):
        open_page(i)  # templates, URL resolvers, the test client's middleware chain
    freeze_loaded_objects()  # as daftar/wsgi.py does
    for i in range(args.n):
        open_page(i)
    print(f"{args.n} {args.page} pages opened ({len(pairs)} distinct)")


if __name__ == "__main__":
    main()
