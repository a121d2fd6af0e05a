"""Dashboard page routes."""
