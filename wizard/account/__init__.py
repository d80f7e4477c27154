"""« Mon compte »: contact details, login email, zéro papier, consents, data rights (export, closure), retention."""
