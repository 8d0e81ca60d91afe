"""Seed math is data: only an allowlist of TeX commands may pass into the book.

Anything that could read or write files, run programs, redefine TeX or smuggle a link
(``\\input``, ``\\write18``, ``\\catcode``, ``\\def``, ``^^5c`` escapes, ``\\href`` ...) is refused.
The TeX is read token by token, as TeX reads it, so ``\\\\%`` (a line break, then a comment) or
``\\\\}`` (a line break, then a brace) cannot hide behind a backslash.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
# Control symbols (a backslash and one non-letter): spacing, line breaks and escaped specials.
ALLOWED_SYMBOLS = frozenset("\\{}|,;:!> %&_#")
# Environments a display equation may use (through \\begin ... \\end).
ALLOWED_ENVIRONMENTS = frozenset({"aligned", "split", "cases", "matrix", "pmatrix", "bmatrix", "array"})
TOKEN_RE = re.compile(r"\\([A-Za-z]+|.?)|(.)", re.DOTALL)
ENVIRONMENT_RE = re.compile(r"\s*\{([^{}]*)\}")
# Characters TeX reads as comments, macro parameters or math shifts: never raw in seed math.
SPECIALS = {
    "%": "TeX comment '%' in math; expected '\\%' for a percent sign",
    "#": "macro parameter '#' in math; expected no macro definitions",
    "$": "'$' inside math; expected one formula per pair of delimiters",
}


def tokens(tex: str) -> Iterator[tuple[int, str, bool]]:
    """``(position, text, is_control_sequence)`` for every token, as TeX would read them."""
    for match in TOKEN_RE.finditer(tex):
        if match.group(1) is not None:
            yield match.start(), match.group(1), True
        else:
            yield match.start(), match.group(2), False


TEXT_COMMANDS = frozenset({"text", "textrm", "textbf", "textit"})


def check_tex(tex: str, path: Path | str, line: int) -> None:
    """Raise :class:`SeedError` unless ``tex`` uses only allowed commands and is well formed:
    balanced braces, environments closed in order, ``&`` only inside an environment, no ``_`` or
    ``^`` in text (LaTeX stops on them, KaTeX shows an error)."""
    if "^^" in tex:
        raise SeedError(path, line, "TeX '^^' character escape in math; expected plain TeX")
    depth = 0
    environments: list[str] = []
    text_group: int | None = None  # the brace depth of an open \text{...} argument
    text_argument_next = False
    for position, token, control in tokens(tex):
        if control:
            _check_command(tex, position, token, path, line)
            if token in ("begin", "end"):
                _environment(tex, position, token, environments, path, line)
            text_argument_next = token in TEXT_COMMANDS
            continue
        if token in SPECIALS:
            raise SeedError(path, line, SPECIALS[token])
        if token == "{":
            depth += 1
            if text_argument_next and text_group is None:
                text_group = depth
        elif token == "}":
            if text_group == depth:
                text_group = None
            depth -= 1
            if depth < 0:
                break
        elif token in "_^" and text_group is not None:
            hint = ", or \\_ for an underscore" if token == "_" else ""
            raise SeedError(path, line, f"'{token}' inside \\text{{...}}; expected it outside the text{hint}")
        elif token == "&" and not environments:
            raise SeedError(path, line, "'&' outside an aligned/matrix/cases/array environment; expected \\& for an ampersand")
        if not token.isspace():
            text_argument_next = False
    if depth != 0:
        raise SeedError(path, line, "unbalanced braces in math; expected every '{' closed by '}'")
    if environments:
        raise SeedError(path, line, f"\\begin{{{environments[-1]}}} is never closed; expected \\end{{{environments[-1]}}}")


def _environment(tex: str, position: int, token: str, open_environments: list[str], path: Path | str, line: int) -> None:
    match = ENVIRONMENT_RE.match(tex, position + 1 + len(token))
    assert match is not None  # _check_command has refused a \begin or \end without a name
    name = match.group(1)
    if token == "begin":
        open_environments.append(name)
    elif not open_environments or open_environments.pop() != name:
        raise SeedError(path, line, f"\\end{{{name}}} without a matching \\begin{{{name}}}; expected environments closed in order")


def _check_command(tex: str, position: int, name: str, path: Path | str, line: int) -> None:
    if name == "":
        raise SeedError(path, line, "a lone '\\' at the end of the math; expected a TeX command")
    if not name.isascii() or not name.isalpha():
        if name not in ALLOWED_SYMBOLS:
            raise SeedError(path, line, f"TeX control symbol \\{name} is not allowed in seed math; expected ordinary mathematics")
        return
    if name not in ALLOWED_COMMANDS:
        raise SeedError(path, line, f"TeX command \\{name} is not allowed in seed math; expected ordinary mathematics")
    if name in ("begin", "end"):
        match = ENVIRONMENT_RE.match(tex, position + 1 + len(name))
        if not match:
            raise SeedError(path, line, f"\\{name} without an environment name in braces; expected \\{name}{{aligned}} or similar")
        if match.group(1) not in ALLOWED_ENVIRONMENTS:
            raise SeedError(path, line, f"TeX environment {{{match.group(1)}}} is not allowed in seed math")
