"""sohoa — digitise a Vietnamese province's paper records into the national format."""

__version__ = "0.1.0"
