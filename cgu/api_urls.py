"""REST API routes of the cgu app, mounted under /api/v1/ (see ``cgu.api``)."""

from rest_framework.routers import SimpleRouter

from cgu import api, entity_api

router = SimpleRouter()
router.register("cgu/returns", api.ReturnViewSet, basename="cgu-return")
router.register("cgu/published/entities", api.PublishedEntityViewSet, basename="cgu-entity")
router.register("cgu/published/kpis", api.PublishedKpiViewSet, basename="cgu-kpi")
router.register("cgu/published/periods", api.PublishedPeriodViewSet, basename="cgu-period")
router.register("cgu/published/figures", api.PublishedFigureViewSet, basename="cgu-figure")
router.register("entity/returns", entity_api.EntityReturnViewSet, basename="entity-return")
router.register("entity/drafts", entity_api.EntityDraftViewSet, basename="entity-draft")

urlpatterns = router.urls
