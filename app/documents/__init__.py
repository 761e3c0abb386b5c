"""Printed documents: pathway summary, sign-in sheets, attestations, minutes, caseload report."""
