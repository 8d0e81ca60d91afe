"""The web book (the ``html`` builder; see :mod:`kexuebook.sphinx.outputs`): its pages' extras."""
