"""Seed math is data: only an allowlist of TeX commands may pass into the book.

Anything that could read or write files, run programs, redefine TeX or smuggle a link
(``\\input``, ``\\write18``, ``\\catcode``, ``\\def``, ``^^5c`` escapes, ``\\href`` ...) is refused.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import SeedError

# Commands the seed and ordinary mathematics use; KaTeX and LaTeX render all of them.
ALLOWED_COMMANDS = frozenset(
    """
    alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi
    varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi
    Pi Sigma Upsilon Phi Psi Omega
    sum prod int iint iiint oint lim limsup liminf sup inf max min arg argmax argmin log ln exp sin
    cos tan det dim ker Pr
    frac dfrac tfrac sqrt binom partial nabla infty cdot cdots ldots dots vdots ddots times div pm mp
    leq le geq ge neq ne approx sim simeq equiv propto ll gg in notin subset subseteq supset
    supseteq cup cap setminus emptyset forall exists neg land lor to gets mapsto rightarrow
    leftarrow Rightarrow Leftarrow leftrightarrow Leftrightarrow implies iff mid parallel Vert vert
    langle rangle lfloor rfloor lceil rceil left right big Big bigg Bigg bigl bigr Bigl Bigr
    text textrm textbf textit mathrm mathbf mathit mathcal mathbb mathsf mathtt boldsymbol
    operatorname tilde hat bar overline underline vec dot ddot widetilde widehat overbrace underbrace
    quad qquad
    begin end
    """.split()
)
# Environments a display equation may use (through \\begin ... \\end).
ALLOWED_ENVIRONMENTS = frozenset({"aligned", "split", "cases", "matrix", "pmatrix", "bmatrix", "array"})
COMMAND_RE = re.compile(r"\\([A-Za-z]+|.)", re.DOTALL)


def check_tex(tex: str, path: Path | str, line: int) -> None:
    """Raise :class:`SeedError` unless ``tex`` uses only allowed commands and balanced braces."""
    if "^^" in tex:
        raise SeedError(path, line, "TeX '^^' character escape in math; expected plain TeX")
    if re.search(r"(?<!\\)%", tex):
        raise SeedError(path, line, "TeX comment '%' in math; expected '\\%' for a percent sign")
    if re.search(r"(?<!\\)#", tex):
        raise SeedError(path, line, "macro parameter '#' in math; expected no macro definitions")
    if "$" in tex.replace("\\$", ""):
        raise SeedError(path, line, "'$' inside math; expected one formula per pair of delimiters")
    for match in COMMAND_RE.finditer(tex):
        name = match.group(1)
        if len(name) == 1 and not name.isalpha():
            continue  # control symbols: \\, \{, \}, \|, \, ...
        if name not in ALLOWED_COMMANDS:
            raise SeedError(path, line, f"TeX command \\{name} is not allowed in seed math; expected ordinary mathematics")
    for env in re.findall(r"\\(?:begin|end)\s*\{([^{}]*)\}", tex):
        if env not in ALLOWED_ENVIRONMENTS:
            raise SeedError(path, line, f"TeX environment {{{env}}} is not allowed in seed math")
    depth = 0
    for index, char in enumerate(tex):
        if char in "{}" and index and tex[index - 1] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    if depth != 0:
        raise SeedError(path, line, "unbalanced braces in math; expected every '{' closed by '}'")
