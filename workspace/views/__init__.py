"""Staff screens of the desk. Thin: parse a form, call one service or selector, map a
domain error to a message, redirect."""
