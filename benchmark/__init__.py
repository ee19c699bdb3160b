"""``manage.py benchmark``: figures for every user-facing operation at provincial scale.

    ./manage.py benchmark --files 100000 \
        --database-url postgres://postgres@127.0.0.1:5432/daftar_bench

Phases, each its own module, called in this order by ``runner.run``:

1. ``generate`` — a synthetic office of N files written straight into the tables (COPY on
   PostgreSQL), shaped like a secretariat's: departments, sections, posts and officers, files
   with about ten movements, note sheets, receipts (some citizens' matters with tracking
   references), papers with extracted text, one FileFlow process per file with one desk task
   per stay; the CGU's entities and returns and the public site come from the demo's seeds
   (``demo``). Then the search index is rebuilt and the tables analysed.
2. ``measure`` — p50/p95/max latency and query count of each operation, in process (Django's
   test client for pages, the services for mark and approve), with a *floor* (a bare view doing
   one indexed SELECT) measured interleaved with every operation, so ratios hold on a noisy
   machine.
3. ``load`` — the tracking lookup and the inbox under concurrent clients against gunicorn on
   127.0.0.1, as requests per second relative to the floor view under the same load.
4. ``intake`` — the bench hooks of documents, search and the public site (``benchmark.hooks``:
   extraction speed, upload to searchable, search and tracking lookups) and the search rebuild
   time.

Why a top-level app, beside ``daftar`` and ``demo``: the harness is neither a product app
nor a test, and its management commands (``benchmark``, ``search_bench``) must work on an
installed copy of Daftar, so it is in ``INSTALLED_APPS`` and in ``pyproject.toml``'s packages.
It sits at the top of the layers: it imports the apps (and ``demo``, whose seeds give the
synthetic office its base), and nothing in Daftar imports it (``lint-imports``). The apps'
timings it records live here too, in ``benchmark.hooks``.

No test asserts on a time: the figures are for people to read (``docs/benchmarks.md``).
"""
