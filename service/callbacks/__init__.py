"""Webhooks out: a team's callback URL gets a signed JSON summary when a call ends."""
