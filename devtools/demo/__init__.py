"""The demo: the Shiga and Niigata cases, their people, curricula, assessments, reports and public pages.

`seed_demo` loads it; each module fills one app's rows and is idempotent.
"""
