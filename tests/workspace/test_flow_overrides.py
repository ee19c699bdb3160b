"""FileFlow's two node overrides (``workspace.flows.RouteActivation``, ``StepActivation``) stand
on Viewflow's private parts. They name the release they were written against; on any other
this fails until someone has read the new release's nodes and moved the version on. The
private names and signatures they use are checked too, so a change under the same version
string is caught."""

import inspect
from importlib.metadata import version

from viewflow.workflow.nodes.func import Function, FunctionActivation
from viewflow.workflow.nodes.switch import Switch, SwitchActivation

from workspace import flows


def test_the_overrides_were_written_for_the_installed_viewflow():
    assert version("django-viewflow") == flows.WRITTEN_FOR_VIEWFLOW, (
        "Viewflow changed: compare workspace/flows.py's RouteActivation and StepActivation "
        "with the new release's SwitchActivation and FunctionActivation, and the rows "
        "complaints.services._escalate_flows writes with what a Switch and a task node write "
        "(tests/complaints/test_sweep.py compares them), then update WRITTEN_FOR_VIEWFLOW."
    )


def test_the_private_parts_they_read_are_still_there():
    create = ["flow_task", "prev_activation", "token", "data", "seed"]
    assert list(inspect.signature(SwitchActivation.create).parameters) == create
    assert list(inspect.signature(FunctionActivation.create).parameters) == create
    switch = Switch().Case(flows.FileFlow.desk)
    assert isinstance(switch._branches, list) and switch._branches[0][0] is flows.FileFlow.desk
    assert flows.FileFlow.decide._func is not None and isinstance(flows.FileFlow.decide, Function)
