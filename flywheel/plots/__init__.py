"""matplotlib figures of Results (`flywheel plot`)."""
