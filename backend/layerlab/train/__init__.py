"""Training: datasets, task recipes, the fit loop, telemetry and checkpoints.

    from layerlab.train.control import Control
    from layerlab.train.loop import RunOptions
    from layerlab.train.runner import train_document

    result = train_document(doc, options=RunOptions(sink=print, control=Control()))

`runner.py` is the entry point, `loop.py` the loop (`run.py` its plumbing), `config.py`
every setting, `events.py` what a run reports, `tasks/` the recipes.
"""
