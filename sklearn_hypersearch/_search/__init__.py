"""The shared search driver and the public search classes."""
