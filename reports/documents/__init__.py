"""What each report says: its figures, gathered by grouped queries, and its tables, laid out once for PDF and Excel.

A report is built from one `ReportScope` and a fiscal year. Each kind has its module here with a `collect_*` that
returns a plain dictionary: the print template reads it for the PDF and `sheets_*` turns the same dictionary into
workbook sheets, so the two files always agree. Student names never enter these dictionaries. What the kinds share
lives beside them: `common` (the scope, sheets, the hidden mark, number formats), `areas` (figures by area with
suppression) and `changes` (students' change).
"""

from reports.documents.annual import collect_annual, sheets_annual
from reports.documents.common import ReportScope
from reports.documents.fact_finding import collect_fact_finding, sheets_fact_finding
from reports.documents.pdca import collect_pdca, sheets_pdca
from reports.documents.registry_summary import collect_registry_summary, sheets_registry_summary

__all__ = ["BUILDERS", "ReportScope"]

# Each kind: how its figures are gathered, how they become sheets, and the print template of its PDF.
BUILDERS = {
    "registry_summary": (collect_registry_summary, sheets_registry_summary, "print/registry_summary.html"),
    "annual": (collect_annual, sheets_annual, "print/annual.html"),
    "pdca": (collect_pdca, sheets_pdca, "print/pdca.html"),
    "fact_finding": (collect_fact_finding, sheets_fact_finding, "print/fact_finding.html"),
}
