from django.urls import path

from workspace.views import charges, desk, files, reader, receipts

app_name = "workspace"

urlpatterns = [
    path("", desk.inbox, name="home"),
    path("sent/", desk.sent, name="sent"),
    path("parked/", desk.parked, name="parked"),
    path("dispatch/", desk.dispatch, name="dispatch"),
    path("charges/", charges.charge_list, name="charges"),
    path("charges/<int:pk>/end/", charges.charge_end, name="charge_end"),
    path("receipts/", receipts.receipt_list, name="receipts"),
    path("receipts/new/", receipts.receipt_diarise, name="receipt_diarise"),
    path("receipts/<int:pk>/", receipts.receipt_detail, name="receipt"),
    path("receipts/<int:pk>/mark/", receipts.receipt_mark, name="receipt_mark"),
    path("receipts/<int:pk>/outcome/", receipts.receipt_outcome, name="receipt_outcome"),
    path("receipts/<int:pk>/dispose/", receipts.receipt_dispose, name="receipt_dispose"),
    path("receipts/<int:pk>/open-file/", receipts.receipt_open_file, name="receipt_open_file"),
    path("receipts/<int:pk>/read/<int:version_id>/", reader.receipt_paper, name="receipt_paper"),
    path("files/<int:pk>/read/<int:version_id>/", reader.file_paper, name="file_paper"),
    path("files/<int:pk>/drafts/<int:number>/", reader.draft_read, name="draft_read"),
    path("files/new/", files.file_open, name="file_open"),
    path("files/<int:pk>/", files.file_detail, name="file"),
    path("files/<int:pk>/notes/", files.note_add, name="note_add"),
    path("files/<int:pk>/notes/<int:number>/edit/", files.note_edit, name="note_edit"),
    path("files/<int:pk>/notes/<int:number>/withdraw/", files.note_delete, name="note_delete"),
    path("files/<int:pk>/notes/<int:number>/decide/", files.note_decide, name="note_decide"),
    path("files/<int:pk>/mark/", files.file_mark, name="file_mark"),
    path("files/<int:pk>/recall/", files.file_recall, name="file_recall"),
    path("files/<int:pk>/enclose/", files.enclose_receipt, name="enclose_receipt"),
    path("files/<int:pk>/papers/", files.enclose_paper, name="enclose_paper"),
    path("files/<int:pk>/flags/<str:flag>/puc/", files.mark_puc, name="mark_puc"),
    path("files/<int:pk>/drafts/", files.draft_add, name="draft_add"),
    path("files/<int:pk>/drafts/<int:number>/decide/", files.draft_decide, name="draft_decide"),
    path("files/<int:pk>/drafts/<int:number>/issue/", files.draft_issue, name="draft_issue"),
    path("files/<int:pk>/<str:action>/", files.file_move, name="file_move"),
]
