"""HR pages."""
