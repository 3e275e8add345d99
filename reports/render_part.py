"""Render one part of a report to PDF in a process of its own: `python -m reports.render_part IN.html OUT.pdf`.

Needs no Django: a report's HTML is complete when it gets here. Parts run as plain subprocesses, so they work from a
Celery worker's pool as well as from the command line, and WeasyPrint's memory goes back when each part ends.
"""

import sys


def main(source: str, target: str) -> None:
    from weasyprint import HTML

    HTML(filename=source).write_pdf(target)


if __name__ == "__main__":
    main(*sys.argv[1:3])
