"""Expert panel reviews."""
