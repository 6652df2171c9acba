"""Stand-in for the old `jetson` package (jetson.inference, jetson.utils)."""
