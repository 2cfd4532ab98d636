"""Serving a built frontend (FRONTEND.md §13): with FRONTEND_DIST_DIR set, files of the `dist/` folder (`/assets/*`,
favicon, …) and `index.html` for every other path outside `/api/`, `/ws/`, `/socket.io/`, `/admin/` and static
files. Unset: nothing is served here (404)."""

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import re_path
from django.views.static import serve


def spa(request: HttpRequest, path: str = "") -> HttpResponseBase:
    if not settings.FRONTEND_DIST_DIR:
        raise Http404("No frontend is served (FRONTEND_DIST_DIR is not set).")
    dist = Path(settings.FRONTEND_DIST_DIR).resolve()
    if path and (dist / path).is_file():
        return serve(request, path, document_root=str(dist))  # rejects paths leaving `dist`
    if path.startswith("assets/"):
        raise Http404("No such asset.")
    if not (dist / "index.html").is_file():
        raise Http404("FRONTEND_DIST_DIR has no index.html.")
    response = serve(request, "index.html", document_root=str(dist))
    response["Cache-Control"] = "no-cache"
    return response


# Last in nellia/urls.py: everything the backend does not own itself.
urlpatterns = [re_path(r"^(?!(?:api|ws|socket\.io|admin|static)(?:/|$))(?P<path>.*)$", spa, name="frontend-spa")]
