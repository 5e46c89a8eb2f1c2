"""Pure normalisers: one given string in, one normalised value out (no searching in text)."""
