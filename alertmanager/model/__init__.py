"""Pure values: labels, matchers, alerts and time intervals. No I/O."""
