"""Flags: excessive and discriminatory demands, measured against the occupation's norm (rules R1-R20 of
domain.md propose and explain, a trained classifier decides and ranks)."""
from vacscreen.flags.flagger import Flagger, load_flagger
from vacscreen.flags.rules import Norm, Vacancy

__all__ = ["Flagger", "load_flagger", "Norm", "Vacancy"]
