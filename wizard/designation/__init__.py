"""Beneficiary designation (death benefit): clause, re-authentication, versions."""
