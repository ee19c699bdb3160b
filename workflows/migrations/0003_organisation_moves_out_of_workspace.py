"""The organisation's models moved to their own app (organisation/migrations/0001): this app's
foreign keys now name them there. Django's record only: the tables, columns and constraints
are the same ones."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organisation', '0001_organisation_from_workspace'),
        ('workflows', '0002_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='fileprocess',
                    name='route_post',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisation.post'),
                ),
            ],
        ),
    ]
