from django.db import migrations

# The tables a dashboard reads that no release reads (those have their triggers from 0008). Each write statement to
# one of them adds a row to reports_datachange under fiscal year 0, a year no release asks for: it moves the version
# the dashboards' kept figures are read under (portal.kept) and leaves every release kept.
DASHBOARD_ONLY = [
    "accounts_invitation",
    "curricula_diaryentry",
    "curricula_evaluation",
    "curricula_unloggedday",
    "curricula_yeartally",
    "meister_importbatch",
    "partners_actionitem",
    "partners_agreement",
    "partners_closedperiod",
    "partners_consortium_companies",
    "partners_designation",
    "partners_meeting",
    "partners_person",
    "partners_proposal",
    "partners_schoolneed",
    "programme_advicethread",
    "programme_supportassignment",
    "reports_kpi",
    "reports_kpitarget",
]

FUNCTION = """
CREATE FUNCTION reports_changed_no_release() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reports_datachange (fiscal_year, n) VALUES (0, 1);
    RETURN NULL;
END $$;
"""


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # without triggers nothing is kept (portal.kept), so nothing can be stale
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FUNCTION)
        for table in DASHBOARD_ONLY:
            cursor.execute(
                f'CREATE TRIGGER reports_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
                "FOR EACH STATEMENT EXECUTE FUNCTION reports_changed_no_release();"
            )


def remove_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table in DASHBOARD_ONLY:
            cursor.execute(f'DROP TRIGGER reports_changed ON "{table}"')
        cursor.execute("DROP FUNCTION reports_changed_no_release()")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0008_kept_releases"),
        ("accounts", "0004_student_and_programme_roles"),
        ("meister", "0008_student_and_programme_roles"),
    ]

    operations = [migrations.RunPython(add_triggers, remove_triggers)]
