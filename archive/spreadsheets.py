"""Values written to files that people open in spreadsheets (CSV exports)."""

# A cell starting with one of these is read as a formula by spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """`value` as text that a spreadsheet shows as it is: a leading `'` keeps a cell that
    starts like a formula from being run."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
