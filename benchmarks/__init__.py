"""Measured comparisons of Kinerja Bot against the naive way (DESIGN.md section 9)."""
