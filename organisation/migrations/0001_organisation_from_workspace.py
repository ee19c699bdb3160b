"""The organisation's models, moved here from ``workspace`` without touching the database:
the tables keep their names (``db_table``), their rows, indexes and constraints. Django's
content types follow, so permissions granted on them keep working (as kernel/0001 did for the
audit trail)."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MODELS = ["department", "section", "post", "holding", "division", "district", "tehsil", "holiday"]


def _move_content_types(apps, source, target):
    """Point the models' content types (and so their permissions, and the desk tasks that
    name a content type) at ``target``. Where ``target`` already has one (``post_migrate``
    makes it when only part of the way is migrated), that one is new and bare: it goes, and the
    old one, which carries the grants and the references, takes its label."""
    content_types = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        old = content_types.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue
        content_types.objects.filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(update_fields=["app_label"])


def _content_types_follow(apps, schema_editor):
    _move_content_types(apps, "workspace", "organisation")


def _content_types_go_back(apps, schema_editor):
    _move_content_types(apps, "organisation", "workspace")



class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('workspace', '0016_file_flow_moves_to_workspace'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Division',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name_en', models.CharField(max_length=200, verbose_name='name (English)')),
                        ('name_ur', models.CharField(blank=True, max_length=200, verbose_name='name (Urdu)')),
                        ('code', models.CharField(max_length=16, unique=True, verbose_name='code')),
                        ('province', models.CharField(default='KP', max_length=8, verbose_name='province')),
                    ],
                    options={
                        'verbose_name': 'division',
                        'verbose_name_plural': 'divisions',
                        'db_table': 'workspace_division',
                        'ordering': ['name_en'],
                    },
                ),
                migrations.CreateModel(
                    name='Department',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name_en', models.CharField(max_length=200, verbose_name='name (English)')),
                        ('name_ur', models.CharField(blank=True, max_length=200, verbose_name='name (Urdu)')),
                        ('code', models.CharField(help_text='Short code used in file numbers, e.g. FD for Finance.', max_length=16, unique=True, verbose_name='code')),
                        ('is_live', models.BooleanField(default=False, verbose_name='Daftar is live')),
                        ('live_since', models.DateField(blank=True, null=True, verbose_name='live since')),
                        ('limit_most_immediate_days', models.PositiveSmallIntegerField(blank=True, help_text='Blank: 1 working day.', null=True, validators=[django.core.validators.MinValueValidator(1)], verbose_name='time limit, most immediate (working days)')),
                        ('limit_immediate_days', models.PositiveSmallIntegerField(blank=True, help_text='Blank: 3 working days.', null=True, validators=[django.core.validators.MinValueValidator(1)], verbose_name='time limit, immediate (working days)')),
                        ('limit_urgent_days', models.PositiveSmallIntegerField(blank=True, help_text='Blank: 7 working days.', null=True, validators=[django.core.validators.MinValueValidator(1)], verbose_name='time limit, urgent (working days)')),
                        ('limit_routine_days', models.PositiveSmallIntegerField(blank=True, help_text='Blank: 14 working days.', null=True, validators=[django.core.validators.MinValueValidator(1)], verbose_name='time limit, routine (working days)')),
                    ],
                    options={
                        'verbose_name': 'department',
                        'verbose_name_plural': 'departments',
                        'db_table': 'workspace_department',
                        'ordering': ['code'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('is_live', False), ('live_since__isnull', False), _connector='OR'), name='department_live_has_date', violation_error_message='A live department needs the date it went live.')],
                    },
                ),
                migrations.CreateModel(
                    name='District',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name_en', models.CharField(max_length=200, verbose_name='name (English)')),
                        ('name_ur', models.CharField(blank=True, max_length=200, verbose_name='name (Urdu)')),
                        ('code', models.CharField(max_length=16, unique=True, verbose_name='code')),
                        ('division', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='districts', to='organisation.division', verbose_name='division')),
                    ],
                    options={
                        'verbose_name': 'district',
                        'verbose_name_plural': 'districts',
                        'db_table': 'workspace_district',
                        'ordering': ['name_en'],
                    },
                ),
                migrations.CreateModel(
                    name='Holiday',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name_en', models.CharField(max_length=200, verbose_name='name (English)')),
                        ('name_ur', models.CharField(blank=True, max_length=200, verbose_name='name (Urdu)')),
                        ('date', models.DateField(verbose_name='date')),
                        ('province', models.CharField(blank=True, help_text='Blank: every province.', max_length=8, verbose_name='province')),
                    ],
                    options={
                        'verbose_name': 'public holiday',
                        'verbose_name_plural': 'public holidays',
                        'db_table': 'workspace_holiday',
                        'ordering': ['date'],
                        'constraints': [models.UniqueConstraint(fields=('date', 'province'), name='holiday_once_a_day')],
                    },
                ),
                migrations.CreateModel(
                    name='Section',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name_en', models.CharField(max_length=200, verbose_name='name (English)')),
                        ('name_ur', models.CharField(blank=True, max_length=200, verbose_name='name (Urdu)')),
                        ('code', models.CharField(help_text='Used in file numbers, e.g. SO(B-I).', max_length=32, verbose_name='code')),
                        ('territorial_role', models.CharField(blank=True, choices=[('commissioner', "Commissioner's office"), ('dc', "Deputy Commissioner's office"), ('ac', "Assistant Commissioner's office"), ('pmc', "Chief Secretary's Performance Management Cell"), ('line', 'District office of a line department')], default='', max_length=16, verbose_name='territorial office')),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sections', to='organisation.department', verbose_name='department')),
                        ('district', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='sections', to='organisation.district', verbose_name='district')),
                        ('division', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='sections', to='organisation.division', verbose_name='division')),
                    ],
                    options={
                        'verbose_name': 'section',
                        'verbose_name_plural': 'sections',
                        'db_table': 'workspace_section',
                        'ordering': ['department__code', 'code'],
                    },
                ),
                migrations.CreateModel(
                    name='Post',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('designation_en', models.CharField(max_length=200, verbose_name='designation (English)')),
                        ('designation_ur', models.CharField(blank=True, max_length=200, verbose_name='designation (Urdu)')),
                        ('level', models.PositiveSmallIntegerField(choices=[(10, 'Assistant'), (20, 'Section Officer'), (30, 'Deputy Secretary'), (40, 'Additional Secretary'), (50, 'Secretary')], verbose_name='level')),
                        ('may_approve', models.BooleanField(default=False, help_text='Holds the power (own or delegated) to approve notes and drafts.', verbose_name='may approve')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('reports_to', models.ForeignKey(blank=True, help_text='The post a file is put up to from this one.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='subordinates', to='organisation.post', verbose_name='reports to')),
                        ('section', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='posts', to='organisation.section', verbose_name='section')),
                    ],
                    options={
                        'verbose_name': 'post',
                        'verbose_name_plural': 'posts',
                        'db_table': 'workspace_post',
                        'ordering': ['section__department__code', '-level', 'designation_en'],
                    },
                ),
                migrations.CreateModel(
                    name='Tehsil',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name_en', models.CharField(max_length=200, verbose_name='name (English)')),
                        ('name_ur', models.CharField(blank=True, max_length=200, verbose_name='name (Urdu)')),
                        ('district', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tehsils', to='organisation.district', verbose_name='district')),
                    ],
                    options={
                        'verbose_name': 'tehsil',
                        'verbose_name_plural': 'tehsils',
                        'db_table': 'workspace_tehsil',
                        'ordering': ['district__name_en', 'name_en'],
                    },
                ),
                migrations.AddField(
                    model_name='section',
                    name='tehsil',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='sections', to='organisation.tehsil', verbose_name='tehsil'),
                ),
                migrations.CreateModel(
                    name='Holding',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('regular', 'Regular'), ('additional', 'Additional charge')], default='regular', max_length=16, verbose_name='kind')),
                        ('reason', models.CharField(blank=True, choices=[('leave', 'Leave'), ('tour', 'Tour'), ('vacancy', 'Post vacant'), ('other', 'Other')], max_length=16, verbose_name='reason')),
                        ('starts_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='from')),
                        ('ends_at', models.DateTimeField(blank=True, null=True, verbose_name='until')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='holdings', to=settings.AUTH_USER_MODEL, verbose_name='officer')),
                        ('post', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='holdings', to='organisation.post', verbose_name='post')),
                    ],
                    options={
                        'verbose_name': 'holding',
                        'verbose_name_plural': 'holdings',
                        'db_table': 'workspace_holding',
                        'ordering': ['post', '-starts_at'],
                        'indexes': [models.Index(fields=['user', 'ends_at'], name='holding_user_open')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('ends_at__isnull', True)), fields=('post', 'kind'), name='one_open_holding_per_post_and_kind', violation_error_message='This post already has an open holding of this kind; end it first.'), models.CheckConstraint(condition=models.Q(('ends_at__isnull', True), ('ends_at__gt', models.F('starts_at')), _connector='OR'), name='holding_ends_after_start', violation_error_message='A holding must end after it starts.')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='post',
                    constraint=models.CheckConstraint(condition=models.Q(('reports_to', models.F('pk')), _negated=True), name='post_not_reporting_to_itself'),
                ),
                migrations.AddConstraint(
                    model_name='tehsil',
                    constraint=models.UniqueConstraint(fields=('district', 'name_en'), name='tehsil_name_unique'),
                ),
                migrations.AddConstraint(
                    model_name='section',
                    constraint=models.UniqueConstraint(fields=('department', 'code'), name='section_code_unique'),
                ),
            ],
        ),
        migrations.RunPython(_content_types_follow, _content_types_go_back),
    ]
