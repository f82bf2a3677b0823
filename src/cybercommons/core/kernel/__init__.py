"""Plain-Python computations of the core app (no Django import)."""
