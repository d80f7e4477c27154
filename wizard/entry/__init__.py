"""Getting in: invitations, accounts, passwords, login, signed links, reminders."""
