"""Private helpers shared across the package."""
