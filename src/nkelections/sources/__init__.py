"""The source texts, their manifest, mentions and candidate facts found in them, and
proposals for new texts."""
