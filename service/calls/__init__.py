"""Calls: intake (new rows), queries (listing, summaries), deletion."""
