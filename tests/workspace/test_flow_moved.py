"""FileFlow moved module (workflows/file_movement.py -> workspace/flows.py, issue 20): the
processes and tasks already stored follow it, and the way back restores the old references."""

import pytest
from django.core.management import call_command
from django.db import connection

from tests.workspace.helpers import diarise, open_file
from workflows.models import FileProcess
from workspace.flows import FileFlow
from workspace.services import movement

# ``restores_schema``: a failure between the two migrations must not leave the worker's later
# tests on the old schema.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restores_schema")]


def _stored():
    with connection.cursor() as cursor:
        cursor.execute("SELECT flow_class FROM viewflow_process ORDER BY id")
        classes = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT DISTINCT flow_task FROM viewflow_task")
        tasks = {row[0] for row in cursor.fetchall()}
    return classes, tasks


def test_stored_processes_follow_the_flow(desk):  # noqa: F811
    receipt = diarise(desk)
    file = open_file(desk, subject=receipt.subject, receipt=receipt)
    movement.file_put_up(actor=desk.asst_user, file=file)
    assert _stored()[0] == {"workspace/flows.FileFlow"}

    call_command("migrate", "workspace", "0015", verbosity=0)
    classes, tasks = _stored()
    assert classes == {"workflows/file_movement.FileFlow"}
    assert tasks and all(t.startswith("workflows/file_movement.FileFlow.") for t in tasks)

    call_command("migrate", verbosity=0)
    classes, tasks = _stored()
    assert classes == {"workspace/flows.FileFlow"}
    assert tasks and all(t.startswith("workspace/flows.FileFlow.") for t in tasks)
    process = FileProcess.objects.get(file=file)
    assert process.flow_class is FileFlow
    assert {task.flow_task for task in process.task_set.all()} >= {FileFlow.start, FileFlow.desk}
