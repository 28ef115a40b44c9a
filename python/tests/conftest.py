"""The example suite runs inner pytest sessions too (for --eci-coverage), through pytester."""

pytest_plugins = ["pytester"]
