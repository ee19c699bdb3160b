"""FileFlow moved from workflows/file_movement.py to workspace/flows.py.

Viewflow stores each process's flow and each task's node as a reference naming the module
(``app_label/module.Flow.node``). The flow moved module (issue 20: the flow lives with the app
it serves), so the references of processes already stored follow it."""

from django.db import migrations

OLD, NEW = "workflows/file_movement", "workspace/flows"


def _rewrite(old, new):
    return [
        (
            "UPDATE viewflow_process SET flow_class = %s || substr(flow_class, %s) "
            "WHERE flow_class LIKE %s",
            [new, len(old) + 1, old + ".%"],
        ),
        (
            "UPDATE viewflow_task SET flow_task = %s || substr(flow_task, %s) "
            "WHERE flow_task LIKE %s",
            [new, len(old) + 1, old + ".%"],
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0015_audit_trail_moves_to_kernel"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunSQL(_rewrite(OLD, NEW), reverse_sql=_rewrite(NEW, OLD))]
