"""Final records stay final at the database itself, not only in the services.

- A note paragraph, once final (the file moved on), refuses UPDATE and DELETE.
- An approval refuses UPDATE and DELETE.
PostgreSQL gets both; SQLite gets the UPDATE guards (its test flush deletes rows one by one, so
a DELETE guard there would break the test suite's clean-up; the services refuse deletes).
"""

from django.db import migrations

PG = """
CREATE OR REPLACE FUNCTION daftar_refuse_final_paragraph() RETURNS trigger AS $$
BEGIN
  IF OLD.is_final THEN
    RAISE EXCEPTION 'paragraph % of file % is final and cannot be changed', OLD.number, OLD.file_id;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER workspace_noteparagraph_final
  BEFORE UPDATE OR DELETE ON workspace_noteparagraph
  FOR EACH ROW EXECUTE FUNCTION daftar_refuse_final_paragraph();

CREATE OR REPLACE FUNCTION daftar_refuse_change_to_approval() RETURNS trigger AS $$
BEGIN
  -- The flow step that records the decision may attach its task id once; nothing else changes.
  IF TG_OP = 'UPDATE' AND OLD.task_id IS NULL AND NEW.task_id IS NOT NULL
     AND ROW(NEW.file_id, NEW.paragraph_id, NEW.draft_id, NEW.decision, NEW.remarks, NEW.by_id,
             NEW.post_id, NEW.at, NEW.content_hash)
         IS NOT DISTINCT FROM
         ROW(OLD.file_id, OLD.paragraph_id, OLD.draft_id, OLD.decision, OLD.remarks, OLD.by_id,
             OLD.post_id, OLD.at, OLD.content_hash) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'an approval is final (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER workspace_approval_final
  BEFORE UPDATE OR DELETE ON workspace_approval
  FOR EACH ROW EXECUTE FUNCTION daftar_refuse_change_to_approval();
"""

PG_DROP = """
DROP TRIGGER IF EXISTS workspace_noteparagraph_final ON workspace_noteparagraph;
DROP FUNCTION IF EXISTS daftar_refuse_final_paragraph();
DROP TRIGGER IF EXISTS workspace_approval_final ON workspace_approval;
DROP FUNCTION IF EXISTS daftar_refuse_change_to_approval();
"""

SQLITE = [
    """CREATE TRIGGER workspace_noteparagraph_final BEFORE UPDATE ON workspace_noteparagraph
       WHEN OLD.is_final BEGIN SELECT RAISE(ABORT, 'paragraph is final and cannot be changed'); END""",
    """CREATE TRIGGER workspace_approval_final BEFORE UPDATE ON workspace_approval
       WHEN NOT (OLD.task_id IS NULL AND NEW.task_id IS NOT NULL
                 AND NEW.decision = OLD.decision AND NEW.content_hash = OLD.content_hash
                 AND NEW.remarks = OLD.remarks AND NEW.by_id = OLD.by_id AND NEW.at = OLD.at)
       BEGIN SELECT RAISE(ABORT, 'an approval is final'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS workspace_noteparagraph_final",
    "DROP TRIGGER IF EXISTS workspace_approval_final",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE:
            schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("workspace", "0003_files")]
    operations = [migrations.RunPython(forwards, backwards)]
