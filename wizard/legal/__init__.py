"""Legal pages (mentions légales, confidentialité, cookies, CGU, accessibilité): public, linked from every page."""
