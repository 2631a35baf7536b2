"""Runs as the server takes them: what a new run may be (`intake`), where it comes from
(`sources`), the API's run schemas, the run system's timers (`settings`), and the
checkpoint files the server keeps (`checkpoint_files`). Routes: routes/runs.py."""
