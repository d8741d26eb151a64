"""HRIS import: parse a CSV export, plan the changes against what is stored, apply them."""
