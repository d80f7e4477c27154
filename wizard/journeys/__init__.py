"""The engine: flows as data, compiled to a state machine, driven one step at a time."""
