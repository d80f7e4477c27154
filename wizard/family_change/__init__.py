"""« Changement de situation familiale »: the contract's cover, the price effect, the avenant, age reminders."""
