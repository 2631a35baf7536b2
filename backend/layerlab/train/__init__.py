"""Training: datasets, task recipes, the fit loop, telemetry and checkpoints."""
