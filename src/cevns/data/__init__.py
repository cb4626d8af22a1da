"""Shipped data tables; see README.md in this folder for the origin of each file."""
