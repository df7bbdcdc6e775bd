"""What every writer of a release shares: the build's options and incremental reuse of the previous release."""
