"""Entity users stay at their own door: a signed-in person of a public sector entity (no
post, a membership) reaches the entity portal, their account pages and the public site,
never the desk. ``/desk/`` itself sends them to their portal; every other desk screen is
404 to them, and the staff API answers 403 (their tokens are refused there already, by
``accounts.scopes``). Officers pay nothing: their holdings are read once a request anyway
(``workspace.access.my_holdings``), and only a user with no post is looked up further."""

from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from cgu.access import is_entity_user
from organisation.selectors import my_holdings

API_OPEN = ("/api/v1/entity/", "/api/v1/cgu/published/", "/api/v1/auth/", "/api/v1/schema/")


class EntityUsersStayHome:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        desk = path.startswith("/desk/")
        api = path.startswith("/api/v1/") and not path.startswith(API_OPEN)
        if desk or api:
            user = getattr(request, "user", None)
            if (
                user is not None
                and user.is_authenticated
                and not my_holdings(user)
                and not user.is_superuser
                and is_entity_user(user)
            ):
                if api:
                    return JsonResponse(
                        {"detail": _("This part of the API is not open to entity users.")},
                        status=403,
                    )
                if path == "/desk/":
                    return redirect("entity:home")
                raise Http404
        return self.get_response(request)
