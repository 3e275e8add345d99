"""The landing page of each role, and the health probe."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from meister.middleware import for_students
from meister.models import Role
from meister.scoping import sees_own_world_only
from portal.kept import kept_figures
from portal.selectors import dashboard_context, dashboard_lists

DASHBOARD_TEMPLATES = {role: f"dashboards/{role}.html" for role in Role.values}


@for_students
@login_required
def dashboard(request):
    user = request.user
    if sees_own_world_only(user):
        return redirect("curricula:student_home")
    context = dict(kept_figures(user, lambda: dashboard_context(user=user)))
    context["scope_object"] = user.scope_object
    context.update(dashboard_lists(user=user))
    template = DASHBOARD_TEMPLATES.get(user.role, "dashboards/no_role.html")
    return render(request, template, context)


@for_students
@never_cache
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
