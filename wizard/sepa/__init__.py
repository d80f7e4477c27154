"""SEPA direct debit: mandates and their échéancier, the pain.008 export, bank returns, « Modifier mon RIB »."""
