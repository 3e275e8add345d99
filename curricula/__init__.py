"""School-set subjects, class sessions with industry, students, placements and day logs."""
