"""Supervisor reports: FSE+ indicators, exports and the files to complete."""
