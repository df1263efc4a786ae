"""Views; see proposals/selectors."""
