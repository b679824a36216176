"""The socialroi command line (a thin typer layer over socialroi.valuation)."""
