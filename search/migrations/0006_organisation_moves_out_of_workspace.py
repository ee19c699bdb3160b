"""The organisation's models moved to their own app (organisation/migrations/0001): this app's
foreign keys now name them there. Django's record only: the tables, columns and constraints
are the same ones."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organisation', '0001_organisation_from_workspace'),
        ('search', '0005_custody'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='filedocument',
                    name='department',
                    field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='organisation.department'),
                ),
                migrations.AlterField(
                    model_name='filedocument',
                    name='holding_post',
                    field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='organisation.post'),
                ),
                migrations.AlterField(
                    model_name='filedocument',
                    name='section',
                    field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='organisation.section'),
                ),
            ],
        ),
    ]
