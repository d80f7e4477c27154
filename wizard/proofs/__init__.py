"""Supporting documents (« pièces justificatives »): the proof step, checked and scanned uploads, HR review."""
