"""Webhooks in: telephony platforms announce recordings; verification per platform."""
