"""Hostile values from the attack on a running portal (issue 15), kept as fixtures for the tests.

Each value is one an attacker typed into a form, a query string, a header or an import, and that once
saved something that later broke a page, an e-mail or a job for everyone else. Tests import them from here so
that a new test reuses the same vocabulary of attacks.
"""

import datetime

# --- dates from another age, and from too far ahead (finding 3) ---------------------------------------------
ANCIENT_DATES = ("0001-01-01", "1700-01-01", "1800-01-01", "1867-12-31", "1900-01-01", "1989-01-07")
FAR_FUTURE_DATES = ("9999-12-31", "3000-01-01", "2200-04-01")
BAD_DATES = (*ANCIENT_DATES, *FAR_FUTURE_DATES, "2026-02-30", "0000-00-00", "-2026-04-01", "２０２６-０４-０１")
FIRST_HEISEI_DAY = datetime.date(1989, 1, 8)

# --- hours no day has (finding 3) ---------------------------------------------------------------------------
BAD_HOURS = ("25", "24.5", "0", "-1", "-0.5", "1e3", "NaN", "Infinity", "99999")

# --- text that breaks a header or deceives a reader (findings 6 and 9) ----------------------------------------
HEADER_INJECTION = "x\r\nBcc: a@evil.example"
LINE_BREAKS = (HEADER_INJECTION, "x\nBcc: a@evil.example", "x\rBcc: a@evil.example", "a\u2028b", "a\u2029b")
CONTROL_CHARACTERS = ("a\x00b", "a\x07b", "a\x1bb", "a\tb", "a\x7fb", "a\x85b")
# Right-to-left override makes "exe.txt" read as "txt.exe"; isolates and embeddings do the same more quietly.
BIDI_CONTROLS = ("株式会社\u202eコトー", "a\u202db", "a\u202ab", "a\u202bb", "a\u2066b\u2069", "a\u2067b", "a\u2068b")
ZERO_WIDTH = ("湖東\u200b精機", "a\u200cb", "a\u200db", "a\u2060b", "\ufeff湖東精機", "a\u00adb", "a\u180eb")
DECEPTIVE_NAMES = BIDI_CONTROLS + ZERO_WIDTH
UNSAFE_LINES = LINE_BREAKS + CONTROL_CHARACTERS + DECEPTIVE_NAMES

# Text that must still be accepted: official names keep their characters (㈱, ①, full-width brackets, kana).
HONEST_NAMES = ("㈱湖東精機", "①制御技術の出前授業", "（株）能水商店", "ｺﾄｰ", "O'Brien & Sons", "株式会社 湖東精機")

# --- numbers too long for any column or for Python's int() (finding 9) -----------------------------------------
OVERLONG_ID = "99999999999999999999"
NINES_5000 = "9" * 5000
OVERLONG_INTEGERS = (OVERLONG_ID, NINES_5000, "-" + OVERLONG_ID, "2147483648", "9223372036854775808", "1e309")
RANGE_HEADERS = (
    f"bytes={NINES_5000}-",
    f"bytes=0-{NINES_5000}",
    f"bytes=-{NINES_5000}",
    f"bytes={NINES_5000}-{NINES_5000}",
    f"bytes={OVERLONG_ID}-",
)

# --- weekday patterns no week has (finding 8) -----------------------------------------------------------------
BAD_WEEKDAYS = ((), ("9",), ("7",), ("-1",), ("x",), (OVERLONG_ID,))

# Everything a property test may put into any one form field.
ANY_FIELD = (
    *BAD_DATES,
    *BAD_HOURS,
    *UNSAFE_LINES,
    *OVERLONG_INTEGERS,
    "",
    " ",
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "../../etc/passwd",
    "a" * 10_000,
    "１２３",
    "true",
    "[1, 2]",
    '{"a": 1}',
)
