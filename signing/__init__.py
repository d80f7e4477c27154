"""Contract documents (ReportLab) and electronic-signature providers."""
