"""Which plot directives plot_ahead draws before the pages are read: a script alone, in a fresh state.

The others (``:context:``, ``:filename-prefix:``, ``:format:``, a function name, inline code)
are left to the directive; tests/test_figure_cache.py shows both kinds drawn in a real build.
"""

from __future__ import annotations

from kexuebook.sphinx.content.plot_ahead import scripts_drawn_by

PAGE = """\
```{eval-rst}
.. plot:: chapters/losses/figures/focal_losses.py
   :alt: 曲线
   :caption: 交叉熵与focal loss

.. plot:: chapters/a/shared_state.py
   :context: close-figs

.. plot:: chapters/a/renamed.py
   :filename-prefix: other

.. plot:: chapters/a/module.py draw_figure

.. plot::

   plt.plot([0, 1])
```

```{plot} chapters/b/myst_form.py
:alt: MyST 写法
```
"""


def test_only_scripts_drawn_alone_in_a_fresh_state_are_drawn_ahead():
    assert scripts_drawn_by(PAGE) == ["chapters/losses/figures/focal_losses.py", "chapters/b/myst_form.py"]


def test_a_page_without_figures_has_none():
    assert scripts_drawn_by("正文里提到 .. plot:: 这几个字，但不是指令。\n") == []
