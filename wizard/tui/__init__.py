"""The Textual wizard (``role-wizard``): six steps from a function to an exported role."""
