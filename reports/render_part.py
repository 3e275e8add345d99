"""Render one part of a report to PDF in a process of its own: `python -m reports.render_part IN.html OUT.pdf`.

Needs no Django's settings: a report's HTML is complete when it gets here, printed by meister.printing. Parts run
as plain subprocesses, so they work from a Celery worker's pool as well as from the command line, and WeasyPrint's
memory goes back when each part ends.
"""

import sys


def main(source: str, target: str) -> None:
    from meister.printing import write_pdf

    write_pdf(target, source=source)


if __name__ == "__main__":
    main(*sys.argv[1:3])
