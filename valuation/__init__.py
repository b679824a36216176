"""Turn data and model results into money: one module per kind of return, plus costs and blending."""
