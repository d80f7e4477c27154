"""HR space: campaigns and invitations, previews, funnel, flow diagrams."""
