"""The organisation's models move to their own app (organisation/migrations/0001). Only
Django's record of them changes: the tables keep their names (the models keep ``db_table``),
with their rows, indexes and constraints; the desk's foreign keys now name them there. Every
other app's foreign keys move first (the dependencies below), then the models leave this app."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cgu', '0007_organisation_moves_out_of_workspace'),
        ('complaints', '0004_organisation_moves_out_of_workspace'),
        ('kernel', '0002_organisation_moves_out_of_workspace'),
        ('letters', '0004_organisation_moves_out_of_workspace'),
        ('organisation', '0001_organisation_from_workspace'),
        ('portal_pages', '0002_organisation_moves_out_of_workspace'),
        ('search', '0006_organisation_moves_out_of_workspace'),
        ('workflows', '0003_organisation_moves_out_of_workspace'),
        ('workspace', '0016_file_flow_moves_to_workspace'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='subjecthead',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='subject_heads', to='organisation.department'),
                ),
                migrations.AlterField(
                    model_name='file',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='files', to='organisation.department'),
                ),
                migrations.RemoveField(
                    model_name='section',
                    name='department',
                ),
                migrations.RemoveField(
                    model_name='district',
                    name='division',
                ),
                migrations.RemoveField(
                    model_name='section',
                    name='district',
                ),
                migrations.RemoveField(
                    model_name='tehsil',
                    name='district',
                ),
                migrations.RemoveField(
                    model_name='section',
                    name='division',
                ),
                migrations.RemoveField(
                    model_name='holding',
                    name='post',
                ),
                migrations.RemoveField(
                    model_name='holding',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='Holiday',
                ),
                migrations.RemoveField(
                    model_name='post',
                    name='reports_to',
                ),
                migrations.RemoveField(
                    model_name='post',
                    name='section',
                ),
                migrations.AlterField(
                    model_name='approval',
                    name='post',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisation.post'),
                ),
                migrations.AlterField(
                    model_name='dispatchentry',
                    name='issued_post',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisation.post'),
                ),
                migrations.AlterField(
                    model_name='receipt',
                    name='holding_post',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='receipts_held', to='organisation.post', verbose_name='marked to'),
                ),
                migrations.AlterField(
                    model_name='noteparagraph',
                    name='post',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisation.post'),
                ),
                migrations.AlterField(
                    model_name='movement',
                    name='from_post',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisation.post'),
                ),
                migrations.AlterField(
                    model_name='movement',
                    name='to_post',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='movements_in', to='organisation.post'),
                ),
                migrations.AlterField(
                    model_name='file',
                    name='holding_post',
                    field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='files_held', to='organisation.post'),
                ),
                migrations.AlterField(
                    model_name='draft',
                    name='post',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisation.post'),
                ),
                migrations.AlterField(
                    model_name='enclosure',
                    name='added_post',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisation.post'),
                ),
                migrations.RemoveField(
                    model_name='section',
                    name='tehsil',
                ),
                migrations.AlterField(
                    model_name='dispatchentry',
                    name='section',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='dispatches', to='organisation.section'),
                ),
                migrations.AlterField(
                    model_name='file',
                    name='section',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='files', to='organisation.section'),
                ),
                migrations.AlterField(
                    model_name='receipt',
                    name='section',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='receipts', to='organisation.section'),
                ),
                migrations.DeleteModel(
                    name='Department',
                ),
                migrations.DeleteModel(
                    name='District',
                ),
                migrations.DeleteModel(
                    name='Division',
                ),
                migrations.DeleteModel(
                    name='Holding',
                ),
                migrations.DeleteModel(
                    name='Post',
                ),
                migrations.DeleteModel(
                    name='Tehsil',
                ),
                migrations.DeleteModel(
                    name='Section',
                ),
            ],
        ),
    ]
