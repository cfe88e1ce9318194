"""The Google edge: Drive/Sheets adapter implementing the workflow's WorkbookPort (see workbooks.py)."""
