"""The student's own home: their placements with the period, the expected days and the days their mentor confirmed.

Made for a phone first. Everything on it comes through the student's own scope (`meister.scoping`): their roster
row, their placements and their days, never a classmate's.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from curricula import selectors
from meister import clock
from meister.middleware import for_students
from meister.scoping import own_student_record, sees_own_world_only


@for_students
@login_required
def student_home(request):
    user = request.user
    if not sees_own_world_only(user):
        raise Http404
    today = clock.today()
    return render(
        request,
        "curricula/student_home.html",
        {
            "student": own_student_record(user),
            "placements": selectors.own_placements(user=user, today=today),
            "today": today,
        },
    )
