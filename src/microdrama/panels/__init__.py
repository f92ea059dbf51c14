"""Expert review panels: assignment with load balancing and conflict exclusion, blind review."""
