"""WTForms classes per step and the shared identifier validators."""
