"""The web console: kubectl's common commands for learners who have no kubectl installed.

A command line is parsed (`commandline`), run against the sandbox through `cluster.store`
(`commands`), and printed as kubectl prints: tables from the same server-side Table code the
API serves (`web.kubeapi.tables`, laid out by `printing`), `describe` in kubectl's layout
(`describe`), errors as `Error from server (NotFound): pods "x" not found`.
"""
