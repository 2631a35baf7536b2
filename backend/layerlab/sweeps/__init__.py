"""Sweeps: search a document's settings with Optuna (issue 16).

`space` (what varies: paths and distributions, applying a point to a document), `spec`
(what a sweep is asked for), `study` (Optuna's study, sampler and pruner) and `driver`
(the loop, the same for the server's runs and `layerlab sweep`'s local processes).
"""
