"""Staff screens of the cgu app, mounted at /desk/cgu/ (namespace ``cgu``)."""

from django.urls import path

from cgu.views import compliance, dashboards, people, returns

app_name = "cgu"

urlpatterns = [
    path("", dashboards.dashboard, name="dashboard"),
    path("entities/", dashboards.entity_list, name="entities"),
    path("entities/<str:code>/", dashboards.entity_detail, name="entity"),
    path("entities/<str:code>/people/", people.entity_people, name="entity_people"),
    path(
        "entities/<str:code>/people/<int:pk>/deactivate/",
        people.entity_person_deactivate,
        name="entity_person_deactivate",
    ),
    path("departments/<str:code>/", dashboards.department_detail, name="department"),
    path("kpis/<str:code>/", dashboards.kpi_detail, name="kpi"),
    path("returns/", returns.return_list, name="returns"),
    path("returns/new/", returns.return_new, name="return_new"),
    path("returns/template.<str:fmt>", returns.return_template, name="return_template"),
    path("returns/<int:pk>/", returns.return_detail, name="return"),
    path("returns/<int:pk>/take-up/", returns.return_take_up, name="return_take_up"),
    path("returns/<int:pk>/accept/", returns.return_accept, name="return_accept"),
    path("returns/<int:pk>/send-back/", returns.return_send_back, name="return_send_back"),
    path("returns/<int:pk>/resubmit/", returns.return_resubmit, name="return_resubmit"),
    path("returns/<int:pk>/put-on-file/", returns.return_put_on_file, name="return_put_on_file"),
    path("compliance/", compliance.compliance, name="compliance"),
    path("compliance/<str:code>/", compliance.compliance, name="compliance_period"),
    path("compliance/<str:code>/remind/", compliance.reminders_send, name="reminders_send"),
    path("escalations/", compliance.escalation_list, name="escalations"),
    path("reports/", compliance.report_list, name="reports"),
    path("reports/<int:pk>/pdf/", compliance.report_pdf, name="report_pdf"),
]
