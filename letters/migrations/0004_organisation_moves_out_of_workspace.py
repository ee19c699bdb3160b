"""The organisation's models moved to their own app (organisation/migrations/0001): this app's
foreign keys now name them there. Django's record only: the tables, columns and constraints
are the same ones."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('letters', '0003_standard_texts_in_urdu'),
        ('organisation', '0001_organisation_from_workspace'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='issuedletter',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisation.department'),
                ),
                migrations.AlterField(
                    model_name='lettertemplate',
                    name='department',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='letter_template', to='organisation.department'),
                ),
                migrations.AlterField(
                    model_name='standardtext',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='standard_texts', to='organisation.department'),
                ),
            ],
        ),
    ]
