"""Every paper that enters Daftar: intake pipeline, validation, PDF work, storage."""
