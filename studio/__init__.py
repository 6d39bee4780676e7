"""Missiva Studio: design customer communications once, produce them on every channel."""

__version__ = "0.1.0"
