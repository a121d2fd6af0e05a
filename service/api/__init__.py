"""HTTP API: app factory, dependencies, routes, schemas."""
