"""Stand-in for the Jetson package of Jetson.GPIO."""
