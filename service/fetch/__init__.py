"""Fetching recordings from telephony platforms: SSRF guard and guarded download."""
