"""Datasets on the server: the built-in catalog (`catalog`), uploads taken and sniffed
(`uploads`) and kept on record (`records`), and their API schemas (`schemas`). Route:
routes/datasets.py."""
