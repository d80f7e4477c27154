"""Settings classes and the product's business data (see catalogue.py)."""
