"""Custody check: every open or parked file is at exactly one post, and that post is the one
on its single open FileFlow desk task. ``File.holding_post`` is a mirror kept by the movement
services for the inbox's index; this proves the mirror and the flow never disagree."""

from __future__ import annotations

from collections import defaultdict

from viewflow.workflow.status import STATUS

from workspace.flows import FileFlow
from workspace.models import File


def disagreements(progress=None) -> list[str]:
    open_tasks = defaultdict(list)
    tasks = FileFlow.task_class.objects.filter(
        flow_task=FileFlow.desk, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
    ).values_list("process__fileprocess__file_id", "owner_permission_obj_pk")
    for file_id, post_pk in tasks.iterator(chunk_size=10_000):
        open_tasks[file_id].append(int(post_pk))
    problems = []
    files = File.objects.values_list("pk", "number", "status", "holding_post_id")
    for count, (pk, number, status, post_id) in enumerate(files.iterator(chunk_size=10_000), 1):
        posts = open_tasks.pop(pk, [])
        if status in (File.Status.OPEN, File.Status.PARKED):
            if len(posts) != 1:
                problems.append(f"{number}: {len(posts)} open desk tasks (expected exactly one)")
            elif posts[0] != post_id:
                problems.append(
                    f"{number}: file says post {post_id}, its desk task says post {posts[0]}"
                )
        elif posts:
            problems.append(f"{number}: {status} but still has an open desk task")
        if progress and count % 50_000 == 0:
            progress(count)
    for file_id in open_tasks:
        problems.append(f"file id {file_id}: open desk task for a file that does not exist")
    return problems
