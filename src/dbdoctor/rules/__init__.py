"""Rules: one module per rule; see _base.py for what a rule is and registry.py for the list."""
