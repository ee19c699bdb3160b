"""The audit trail's models move to the kernel app (kernel/migrations/0001). Only Django's
record of the models changes: the tables, their rows, indexes and the append-only trigger
stay exactly as they are (the models keep ``db_table``)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('workspace', '0014_merge_dispatch_hash_and_territorial_offices'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='AuditChainHead'),
                migrations.DeleteModel(name='AuditEvent'),
            ],
            database_operations=[],
        ),
    ]
