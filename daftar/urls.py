"""Daftar's URLs. Staff screens under /desk/, the REST API under /api/v1/, Wagtail's admin
under /cms/, Django's admin under /django-admin/, and the public site (Wagtail) at the root."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from daftar import admin_site, health, observability
from daftar.errors import cms_error_test
from daftar.favicon import favicon

admin_site.configure()  # Django's admin lists settings, not what libraries keep

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("healthz/live", health.live, name="healthz-live"),
    path("healthz/ready", health.ready, name="healthz-ready"),
    path("metrics", observability.metrics, name="metrics"),
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("desk/", include("workspace.urls")),
    path("desk/papers/", include("documents.urls")),
    path("desk/search/", include("workspace.search.urls")),
    path("desk/cgu/", include("cgu.urls")),
    path("entity/", include("cgu.entity_urls")),
    path("desk/letters/", include("letters.urls")),
    path("api/v1/", include("daftar.api_urls")),
    path("django-admin/", admin.site.urls),
    # Wagtail's deliberate-500 test view, answered 404 with a message (daftar/errors.py).
    path("cms/failwhale/", cms_error_test),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("portal/", include("portal_pages.urls")),
    path("", include("complaints.urls")),
    path("verify/", include("letters.public_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
