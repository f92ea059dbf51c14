"""The producer portal: a producer's own works, their review status and published index."""
