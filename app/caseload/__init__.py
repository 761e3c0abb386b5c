"""A référent's caseload (portefeuille): who is followed, where each stands, what to do next.

queries.py reads it with a fixed number of SQL queries from pathway_progress; actions.py maps
each alert to the page that clears it. The référent's home page (app/main/views.py) and the
supervisor's view of one référent both render templates/caseload/_table.html.
"""
