"""Stand-in for the RPi package of RPi.GPIO."""
