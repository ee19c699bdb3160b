"""On PostgreSQL, the database itself keeps a stored version's identity and a frozen paper
final: no UPDATE may change what a version points at or its hash, a frozen paper cannot be
unfrozen or get a new current version, and neither a frozen paper nor its versions can be
deleted. (Not on SQLite, whose test flush deletes rows one by one; the services and
``PaperVersion.save()`` refuse the same things there.)
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION daftar_paperversion_identity() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF EXISTS (SELECT 1 FROM documents_paper p WHERE p.id = OLD.paper_id
               AND p.frozen_at IS NOT NULL) THEN
      RAISE EXCEPTION 'version % belongs to a frozen paper and cannot be deleted', OLD.id;
    END IF;
    RETURN OLD;
  END IF;
  IF NEW.paper_id <> OLD.paper_id OR NEW.number <> OLD.number
     OR NEW.storage_name <> OLD.storage_name OR NEW.sha256 <> OLD.sha256
     OR NEW.size <> OLD.size OR NEW.mime_type <> OLD.mime_type
     OR NEW.original_filename <> OLD.original_filename
     OR NEW.derived_from_id IS DISTINCT FROM OLD.derived_from_id
     OR NEW.created_by_id <> OLD.created_by_id OR NEW.created_at <> OLD.created_at THEN
    RAISE EXCEPTION 'a stored version''s identity cannot be changed (version %)', OLD.id;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER documents_paperversion_identity
  BEFORE UPDATE OR DELETE ON documents_paperversion
  FOR EACH ROW EXECUTE FUNCTION daftar_paperversion_identity();

CREATE OR REPLACE FUNCTION daftar_paper_frozen() RETURNS trigger AS $$
BEGIN
  IF OLD.frozen_at IS NULL THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'paper % is frozen and cannot be deleted', OLD.id;
  END IF;
  IF NEW.frozen_at IS DISTINCT FROM OLD.frozen_at
     OR NEW.frozen_by_id IS DISTINCT FROM OLD.frozen_by_id
     OR NEW.current_version_id IS DISTINCT FROM OLD.current_version_id THEN
    RAISE EXCEPTION 'paper % is frozen', OLD.id;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER documents_paper_frozen
  BEFORE UPDATE OR DELETE ON documents_paper
  FOR EACH ROW EXECUTE FUNCTION daftar_paper_frozen();
"""

DROP = """
DROP TRIGGER IF EXISTS documents_paperversion_identity ON documents_paperversion;
DROP FUNCTION IF EXISTS daftar_paperversion_identity();
DROP TRIGGER IF EXISTS documents_paper_frozen ON documents_paper;
DROP FUNCTION IF EXISTS daftar_paper_frozen();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
