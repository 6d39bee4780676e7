"""The headless core: project model, composition, channels and validation. Never imports Qt."""
