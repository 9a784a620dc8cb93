"""Inhibition rules as a Muter over the current alerts."""

from alertmanager.inhibit.inhibitor import Inhibitor, InhibitRule

__all__ = ["InhibitRule", "Inhibitor"]
