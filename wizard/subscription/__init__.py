"""Subscription: terms, dates, SEPA mandate export, the documents it signs."""
