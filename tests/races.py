"""One harness for race tests (PostgreSQL, ``django_db(transaction=True)``): the calls start
together behind a barrier, each on its own thread and database connection, and each call's
result, or the exception it raised, comes back in the order the calls were given."""

import threading

from django.db import close_old_connections, connection


def race(*calls, timeout: float = 60):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # the loser's refusal, or a bug the test must show
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results


def raised(results) -> list[Exception]:
    return [r for r in results if isinstance(r, Exception)]
