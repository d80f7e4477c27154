"""The guided-wizard engine and web application."""

from wizard.app import create_app

__all__ = ["create_app"]
