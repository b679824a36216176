"""Statistics behind the value estimates: regressions, weighting, sensitivity."""
