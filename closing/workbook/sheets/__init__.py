"""One module per sheet; each has a ``write(book)`` that lays out its sheet."""
