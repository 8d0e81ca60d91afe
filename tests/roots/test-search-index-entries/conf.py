extensions = ["kexuebook.sphinx.html.search_index_entries"]
