"""What the CLI does, as functions a library user can call: build, check, serve, new, init."""
