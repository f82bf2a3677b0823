"""Cybercommons: an open platform on which the stakeholders of cyberspace cooperate."""

__version__ = "0.1.0"
