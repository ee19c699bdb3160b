"""The organisation's models moved to their own app (organisation/migrations/0001): this app's
foreign keys now name them there. Django's record only: the tables, columns and constraints
are the same ones."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0003_kept_figures_and_queue_indexes'),
        ('organisation', '0001_organisation_from_workspace'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='category',
                    name='department',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='complaint_categories', to='organisation.department', verbose_name='line department'),
                ),
                migrations.AlterField(
                    model_name='complaint',
                    name='assigned_post',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to='organisation.post', verbose_name='assigned to'),
                ),
                migrations.AlterField(
                    model_name='complaint',
                    name='district',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to='organisation.district', verbose_name='district'),
                ),
                migrations.AlterField(
                    model_name='complaint',
                    name='marked_to',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='complaints_marked', to='organisation.section', verbose_name='marked to'),
                ),
                migrations.AlterField(
                    model_name='complaint',
                    name='office',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to='organisation.section', verbose_name='handling office'),
                ),
                migrations.AlterField(
                    model_name='complaint',
                    name='tehsil',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to='organisation.tehsil', verbose_name='tehsil'),
                ),
                migrations.AlterField(
                    model_name='districtfigure',
                    name='district',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisation.district'),
                ),
                migrations.AlterField(
                    model_name='event',
                    name='office',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisation.section'),
                ),
                migrations.AlterField(
                    model_name='identitydisclosure',
                    name='post',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisation.post'),
                ),
                migrations.AlterField(
                    model_name='officefigure',
                    name='district',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisation.district'),
                ),
                migrations.AlterField(
                    model_name='officefigure',
                    name='office',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisation.section'),
                ),
            ],
        ),
    ]
