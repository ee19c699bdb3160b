"""A signed letter and a signed approval are written once and never rewritten: the database
refuses UPDATE (and, on PostgreSQL, DELETE) of their rows, as for approvals
(workspace 0004). SQLite gets the UPDATE guards only (its test flush deletes row by row)."""

from django.db import migrations

PG = """
CREATE OR REPLACE FUNCTION daftar_refuse_change_to_signed() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is signed and final (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER letters_issuedletter_final BEFORE UPDATE OR DELETE ON letters_issuedletter
  FOR EACH ROW EXECUTE FUNCTION daftar_refuse_change_to_signed();
CREATE TRIGGER letters_signedapproval_final BEFORE UPDATE OR DELETE ON letters_signedapproval
  FOR EACH ROW EXECUTE FUNCTION daftar_refuse_change_to_signed();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS letters_issuedletter_final ON letters_issuedletter;
DROP TRIGGER IF EXISTS letters_signedapproval_final ON letters_signedapproval;
DROP FUNCTION IF EXISTS daftar_refuse_change_to_signed();
"""
SQLITE = [
    """CREATE TRIGGER letters_issuedletter_final BEFORE UPDATE ON letters_issuedletter
       BEGIN SELECT RAISE(ABORT, 'a signed letter is final'); END""",
    """CREATE TRIGGER letters_signedapproval_final BEFORE UPDATE ON letters_signedapproval
       BEGIN SELECT RAISE(ABORT, 'a signed approval is final'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS letters_issuedletter_final",
    "DROP TRIGGER IF EXISTS letters_signedapproval_final",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
