"""Entry pages: login, account activation, invitations, session keep-alive."""
