"""PostgreSQL: compress the index's large columns with lz4 where the server has it. pglz
compression of the tsvector and texts was a fifth of the cost of (re)indexing a file."""

from django.db import migrations

COLUMNS = ["vector", "notes_text", "papers_text", "receipts_text"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int >= 140000")
        if not cursor.fetchone()[0]:
            return
        try:
            cursor.execute("SAVEPOINT lz4")
            cursor.execute(
                "ALTER TABLE search_filedocument "
                + ", ".join(f"ALTER COLUMN {c} SET COMPRESSION lz4" for c in COLUMNS)
            )
            cursor.execute("RELEASE SAVEPOINT lz4")
        except Exception:  # a server built without lz4 keeps pglz
            cursor.execute("ROLLBACK TO SAVEPOINT lz4")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE search_filedocument "
        + ", ".join(f"ALTER COLUMN {c} SET COMPRESSION default" for c in COLUMNS)
    )


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [migrations.RunPython(forwards, backwards)]
