"""Number parts are now split at "/" and "-" and stored as n:<run> lexemes in the tsvector,
which serves suffix, prefix and middle lookups alike; the reversed-number column goes.

SQLite rebuilds the table to drop a column, which drops its FTS triggers: they are made
again here. On PostgreSQL the vectors are recomputed with the new number lexemes."""

import importlib

from django.db import migrations

PG_RECOMPUTE = """
UPDATE search_filedocument AS v SET vector =
    setweight(array_to_tsvector(
        ARRAY(SELECT 'n:' || t FROM unnest(string_to_array(v.number_terms, ' ')) AS t)), 'A')
    || setweight(to_tsvector('english', v.subject), 'A')
    || setweight(to_tsvector('english', v.receipts_text), 'B')
    || setweight(to_tsvector('english', v.notes_text), 'C')
    || setweight(to_tsvector('english', v.papers_text), 'D')
    || CASE WHEN v.grading <= 1
            THEN array_to_tsvector(ARRAY['dv:' || v.department_id]) ELSE ''::tsvector END,
    text_hash = ''
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        fulltext = importlib.import_module("search.migrations.0002_fulltext")
        for sql in fulltext.SQLITE_FORWARD:
            if sql.lstrip().startswith("CREATE TRIGGER"):
                name = sql.split()[2]
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
                schema_editor.execute(sql)
    elif vendor == "postgresql":
        # text_hash = '' makes the next reindex or check --repair rewrite every row; the
        # number_terms themselves are refreshed by it (manage.py search_index rebuild).
        schema_editor.execute(PG_RECOMPUTE)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_lz4")]

    operations = [
        migrations.RemoveIndex(model_name="filedocument", name="search_doc_number_rev"),
        migrations.RemoveField(model_name="filedocument", name="number_rkey"),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
