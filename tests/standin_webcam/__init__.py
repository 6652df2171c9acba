"""A strict stand-in webcam for the tests (issue 15): see strict.py."""
