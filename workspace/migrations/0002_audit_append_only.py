"""On PostgreSQL, refuse UPDATE and DELETE on the audit table at the database itself.

The hash chain *detects* tampering; this trigger *prevents* casual tampering through the
application's own connection. (Not on SQLite: its test flush deletes rows one by one.)
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION daftar_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER workspace_auditevent_append_only
  BEFORE UPDATE OR DELETE ON workspace_auditevent
  FOR EACH ROW EXECUTE FUNCTION daftar_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS workspace_auditevent_append_only ON workspace_auditevent;
DROP FUNCTION IF EXISTS daftar_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("workspace", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
