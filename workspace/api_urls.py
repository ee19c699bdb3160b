"""REST API routes of the desk, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from workspace import api

router = SimpleRouter()
router.register("files", api.FileViewSet, basename="file")
router.register("inbox", api.InboxViewSet, basename="inbox")
router.register("receipts", api.ReceiptViewSet, basename="receipt")

urlpatterns = [
    *router.urls,
]
