"""`python -m tm`: the `tm` command from a checkout on PYTHONPATH (a scratch copy, a
tree not installed), with the console script's error handling."""

from tm.cli import script

script()
