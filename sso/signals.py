"""What single sign-on tells the apps above it."""

from django.dispatch import Signal

# Sent when a verified address, in one of a configuration's domains, belongs to no portal user yet; with
# `configuration`, `email` and `request`. A receiver that gives the address its account (the roster links a
# student's, `curricula.services.student_accounts`) returns that user; every other receiver returns None.
account_wanted = Signal()
