"""microdrama: platform for the micro-short drama industry."""
