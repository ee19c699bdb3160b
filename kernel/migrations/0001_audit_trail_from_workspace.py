"""The audit trail's models, moved here from ``workspace`` without touching the database:
the tables keep their names (``db_table``), their rows, indexes and append-only trigger.
Django's content types follow, so permissions granted on the audit trail keep working."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ["auditevent", "auditchainhead"]


def _move_content_types(apps, source, target):
    """Point the models' content types (and so their permissions) at ``target``. Where
    ``target`` already has one (``post_migrate`` makes it when only part of the way is
    migrated), the old permissions, which carry the grants, move onto it and the old content
    type goes."""
    content_types = apps.get_model("contenttypes", "ContentType")
    permissions = apps.get_model("auth", "Permission")
    for model in MODELS:
        old = content_types.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue
        new = content_types.objects.filter(app_label=target, model=model).first()
        if new is None:
            old.app_label = target
            old.save(update_fields=["app_label"])
            continue
        # The old permissions carry the grants; the new ones were made a moment ago, bare.
        moving = permissions.objects.filter(content_type=old)
        permissions.objects.filter(
            content_type=new, codename__in=moving.values_list("codename", flat=True)
        ).delete()
        moving.update(content_type=new)
        old.delete()


def _content_types_follow(apps, schema_editor):
    _move_content_types(apps, "workspace", "kernel")


def _content_types_go_back(apps, schema_editor):
    _move_content_types(apps, "kernel", "workspace")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('workspace', '0015_audit_trail_moves_to_kernel'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='AuditChainHead',
            fields=[
                ('chain', models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ('seq', models.PositiveBigIntegerField(default=0)),
                ('hash', models.CharField(default='', max_length=64)),
            ],
            options={
                'verbose_name': 'audit chain head',
                'db_table': 'workspace_auditchainhead',
            },
        ),
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('chain', models.PositiveSmallIntegerField(verbose_name='chain')),
                ('seq', models.PositiveBigIntegerField(verbose_name='sequence')),
                ('at', models.DateTimeField(verbose_name='when')),
                ('action', models.CharField(max_length=64, verbose_name='action')),
                ('object_type', models.CharField(blank=True, max_length=100, verbose_name='object type')),
                ('object_id', models.CharField(blank=True, max_length=64, verbose_name='object id')),
                ('object_repr', models.CharField(blank=True, max_length=255, verbose_name='object')),
                ('before', models.JSONField(blank=True, null=True, verbose_name='before')),
                ('after', models.JSONField(blank=True, null=True, verbose_name='after')),
                ('prev_hash', models.CharField(max_length=64)),
                ('hash', models.CharField(max_length=64, unique=True)),
                ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='who')),
                ('post', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workspace.post', verbose_name='acting post')),
            ],
            options={
                'verbose_name': 'audit event',
                'verbose_name_plural': 'audit events',
                'db_table': 'workspace_auditevent',
                'ordering': ['at', 'chain', 'seq'],
                'indexes': [models.Index(fields=['object_type', 'object_id', 'at'], name='audit_object'), models.Index(fields=['actor', 'at'], name='audit_actor')],
                'constraints': [models.UniqueConstraint(fields=('chain', 'seq'), name='audit_chain_seq_unique')],
            },
        ),
                ],
        ),
        migrations.RunPython(_content_types_follow, _content_types_go_back),
    ]
