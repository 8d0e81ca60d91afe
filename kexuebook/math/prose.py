"""How a computed number is written in the prose: one rule, shared by every topic's ``VALUES``."""

from __future__ import annotations

from typing import SupportsFloat

import numpy as np


def significant(x: SupportsFloat, digits: int = 3) -> str:
    """``digits`` significant digits, never in exponent notation (prose reads 1770, not 1.77e+03)."""
    return np.format_float_positional(float(x), precision=digits, unique=False, fractional=False, trim="-")


def percent(x: float, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.865 → '86.5%'."""
    return f"{100.0 * float(x):.{decimals}f}%"
