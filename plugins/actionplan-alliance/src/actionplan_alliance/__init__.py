"""The Alliance pour la solidarité's criteria (MRC des Maskoutains, 2019-2023), as an actionplan plugin."""

__version__ = "0.1.0"
