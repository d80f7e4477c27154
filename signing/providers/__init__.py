"""Signature providers behind one contract (see base.py)."""
