"""Signature requests of journeys: start, resume, void, confirm, evidence, documents."""
