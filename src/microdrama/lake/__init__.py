"""lake domain."""
