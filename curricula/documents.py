"""Printable documents of one placement or student, printed by meister.printing in the IPAex fonts.

These are one or two pages and take well under a second, so they are built in the request; the
report runs (reports/) are for the long national and prefectural documents.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from meister import clock, printing
from meister.fiscal import wareki_date


def agreement_html(placement, *, show_guardian: bool = True) -> str:
    days = placement.expected_days()  # national holidays and the school's and company's closed days left out
    with translation.override("ja"):
        return render_to_string(
            "print/placement_agreement.html",
            {
                "placement": placement,
                "student": placement.student,
                "school": placement.student.school,
                "company": placement.company,
                "days": days,
                "show_guardian": show_guardian,
                "starts_on": wareki_date(placement.starts_on),
                "ends_on": wareki_date(placement.ends_on),
                "generated_on": wareki_date(clock.today()),
            },
        )


def agreement_response(placement, *, show_guardian: bool = True) -> HttpResponse:
    return printing.pdf_response(agreement_html(placement, show_guardian=show_guardian), f"三者協定_{placement.pk}.pdf")


def student_record_html(student, placements, logs, evaluations=(), diaries=()) -> str:
    with translation.override("ja"):
        return render_to_string(
            "print/practice_record.html",
            {
                "student": student,
                "placements": placements,
                "logs": logs,
                "evaluations": evaluations,
                "diaries": diaries,
                "generated_on": wareki_date(clock.today()),
            },
        )


def student_record_response(student, placements, logs, evaluations=(), diaries=()) -> HttpResponse:
    html = student_record_html(student, placements, logs, evaluations, diaries)
    return printing.pdf_response(html, f"実習記録_{student.pk}.pdf")
