"""The database backend's custody table (``search.FileCustody``), filled from the movements
and the files' holding posts in one statement (about a minute at a million files), so an
existing index answers the custody half at once, without a rebuild."""

from django.db import migrations, models


def fill(apps, schema_editor):
    custody = apps.get_model("search", "FileCustody")._meta.db_table
    movement = apps.get_model("workspace", "Movement")._meta.db_table
    file = apps.get_model("workspace", "File")._meta.db_table
    schema_editor.execute(
        f"""INSERT INTO {custody} (post_id, file_id, department_id, grading)
        SELECT m.to_post_id, f.id, f.department_id, f.grading
        FROM {movement} AS m JOIN {file} AS f ON f.id = m.file_id
        WHERE m.to_post_id IS NOT NULL
        UNION
        SELECT f.holding_post_id, f.id, f.department_id, f.grading
        FROM {file} AS f WHERE f.holding_post_id IS NOT NULL"""  # noqa: S608 (names only)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_number_parts"),
        ("workspace", "0007_file_dept_grading"),
    ]

    operations = [
        migrations.CreateModel(
            name="FileCustody",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "file_id",
                        "post_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("file_id", models.BigIntegerField()),
                ("post_id", models.BigIntegerField()),
                ("department_id", models.BigIntegerField()),
                ("grading", models.PositiveSmallIntegerField()),
            ],
            options={"verbose_name": "file custody", "verbose_name_plural": "file custody"},
        ),
        # Filled before the post index is built: one sort rather than millions of inserts.
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="filecustody",
            index=models.Index(
                fields=["post_id", "department_id", "grading", "file_id"],
                name="search_custody_post",
            ),
        ),
    ]
