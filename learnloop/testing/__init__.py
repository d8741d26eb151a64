"""Helpers shared by the test suites of several domains (not imported by the application)."""
