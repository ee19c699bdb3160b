"""The organisation's models moved to their own app (organisation/migrations/0001): this app's
foreign keys now name them there. Django's record only: the tables, columns and constraints
are the same ones."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cgu', '0006_kpireturn_paper_status'),
        ('organisation', '0001_organisation_from_workspace'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='publicsectorentity',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='public_sector_entities', to='organisation.department', verbose_name='administrative department'),
                ),
                migrations.AlterField(
                    model_name='secretarynotice',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisation.department'),
                ),
            ],
        ),
    ]
