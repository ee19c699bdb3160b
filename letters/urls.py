"""Staff screens of issued letters, under /desk/letters/ (keyed by the dispatch entry)."""

from django.urls import path

from letters import views

app_name = "letters"

urlpatterns = [
    path("<int:dispatch_id>/", views.letter, name="letter"),
    path("<int:dispatch_id>/letter.pdf", views.letter_pdf, name="pdf"),
    path("<int:dispatch_id>/email/", views.letter_email, name="email"),
    path("drafts/<int:draft_id>/texts/", views.draft_texts, name="draft_texts"),
]
