"""Industry insight reports: named queries, generated findings, charts, HTML and PDF."""
