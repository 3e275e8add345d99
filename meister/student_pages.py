"""The pages about students one by one: their roster and accounts, placements and their agreements, day logs and
confirmations, diaries, evaluations, the allocation of a cohort, and the entry of their results.

URL names as the root URLconf names them. `meister.scoping.student_page_refused` answers 404 on them to whoever
`works_without_students` (through `meister.middleware.StudentPagesMiddleware`). Pages of counts only (graduates'
destinations, class sessions, joint projects) are not among them.
"""

STUDENT_PAGES = frozenset(
    {
        "curricula:student_home",
        "curricula:student_list",
        "curricula:student_create",
        "curricula:student_unlink",
        "curricula:student_record_pdf",
        "curricula:roster_import",
        "curricula:roster_template_download",
        "curricula:rollover",
        "curricula:class_code_list",
        "curricula:class_code_create",
        "curricula:class_code_sheet",
        "curricula:placement_list",
        "curricula:placement_create",
        "curricula:placement_detail",
        "curricula:placement_agreement",
        "curricula:placement_agreement_pdf",
        "curricula:placement_agreement_scan",
        "curricula:log_start",
        "curricula:log_day",
        "curricula:day_log_list",
        "curricula:day_log_edit",
        "curricula:confirmations",
        "curricula:evaluation_compare",
        "curricula:evaluation_mentor",
        "curricula:evaluation_remind",
        "curricula:evaluation_self",
        "curricula:diary_home",
        "curricula:diary_write",
        "curricula:diary_detail",
        "curricula:diary_photo",
        "curricula:allocation_list",
        "curricula:allocation_create",
        "curricula:allocation_detail",
        "assessments:administration_create",
        "assessments:administration_grid",
        "assessments:administration_import",
        "assessments:cohort_results",
    }
)
