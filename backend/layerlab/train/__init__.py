"""Training: datasets, task recipes, the fit loop, telemetry and checkpoints.

    from layerlab.train.control import Control
    from layerlab.train.entry import train_document
    from layerlab.train.run import RunOptions

    result = train_document(doc, options=RunOptions(sink=print, control=Control()))

`entry.py` is the entry point (`train_document`, `load_data`), `loop.py` the loop
(`fit`), `run.py` one run's plumbing (`Run`; `RunOptions` in, `FitResult` out),
`config.py` every setting, `events.py` what a run reports, `tasks/` the recipes. The
command line (`layerlab train`) is `layerlab.cli.train`, outside the core.
"""
