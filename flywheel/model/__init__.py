"""The model: equations, sectors, the compiled week, stocks, terms and the output registry."""
