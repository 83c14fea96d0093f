"""pcontract: public-sector performance contracts kept as code."""

__version__ = "0.1.0"
