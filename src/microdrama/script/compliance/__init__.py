"""Compliance pre-review: YAML rule sets, a matcher for scripts and subtitles, filing checks."""
