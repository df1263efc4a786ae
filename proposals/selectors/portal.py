"""See proposals/selectors/__init__.py."""
