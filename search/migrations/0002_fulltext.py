"""The full-text parts of the file index, which differ by database.

PostgreSQL: a ``vector`` tsvector column written by the backend (not generated: a movement
must not recompute it), a GIN index on it with statistics raised to 1000 so the planner knows
rare words from common ones, a trigram index for number substrings, and a fill factor that
leaves room for in-place (HOT) updates of the filter columns.

SQLite: an FTS5 table over the text columns, kept in step with the rows by triggers.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

PG_FORWARD = [
    "ALTER TABLE search_filedocument SET (fillfactor = 80)",
    "ALTER TABLE search_filedocument ADD COLUMN vector tsvector",
    "CREATE INDEX search_doc_vector ON search_filedocument USING gin (vector)",
    "ALTER TABLE search_filedocument ALTER COLUMN vector SET STATISTICS 1000",
    "CREATE INDEX search_doc_number_trgm ON search_filedocument USING gin (number_key gin_trgm_ops)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS search_doc_number_trgm",
    "DROP INDEX IF EXISTS search_doc_vector",
    "ALTER TABLE search_filedocument DROP COLUMN IF EXISTS vector",
    "ALTER TABLE search_filedocument RESET (fillfactor)",
]

FTS_COLUMNS = "number_terms, subject, receipts_text, notes_text, papers_text"
SQLITE_FORWARD = [
    f"""CREATE VIRTUAL TABLE search_filedocument_fts USING fts5(
        {FTS_COLUMNS},
        content='search_filedocument', content_rowid='file_id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER search_filedocument_ai AFTER INSERT ON search_filedocument BEGIN
        INSERT INTO search_filedocument_fts(rowid, {FTS_COLUMNS})
        VALUES (new.file_id, new.number_terms, new.subject, new.receipts_text, new.notes_text,
                new.papers_text);
    END""",
    f"""CREATE TRIGGER search_filedocument_ad AFTER DELETE ON search_filedocument BEGIN
        INSERT INTO search_filedocument_fts(search_filedocument_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.file_id, old.number_terms, old.subject, old.receipts_text,
                old.notes_text, old.papers_text);
    END""",
    f"""CREATE TRIGGER search_filedocument_au
        AFTER UPDATE OF {FTS_COLUMNS} ON search_filedocument BEGIN
        INSERT INTO search_filedocument_fts(search_filedocument_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.file_id, old.number_terms, old.subject, old.receipts_text,
                old.notes_text, old.papers_text);
        INSERT INTO search_filedocument_fts(rowid, {FTS_COLUMNS})
        VALUES (new.file_id, new.number_terms, new.subject, new.receipts_text, new.notes_text,
                new.papers_text);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_filedocument_au",
    "DROP TRIGGER IF EXISTS search_filedocument_ad",
    "DROP TRIGGER IF EXISTS search_filedocument_ai",
    "DROP TABLE IF EXISTS search_filedocument_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        TrigramExtension(),  # PostgreSQL only; a no-op elsewhere
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
