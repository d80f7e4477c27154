"""« Mes démarches »: the member's home, starting and resuming journeys."""
