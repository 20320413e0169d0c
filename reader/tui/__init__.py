"""The terminal face: the Textual app, its screens and widgets. Drawing and wiring only."""
