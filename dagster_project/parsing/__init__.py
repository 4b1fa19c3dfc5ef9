"""Pure parsing: text as departments type it -> typed values. No file or database I/O here."""
