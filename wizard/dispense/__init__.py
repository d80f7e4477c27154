"""Dispense d'adhésion: reasons, exclusivity with affiliation, the attestation."""
