"""Occupation linking: reference data, lexical + semantic linker, sentence encoder."""
