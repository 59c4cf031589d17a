#!/usr/bin/env python3
# A stand-in for the taskleak driver: prints its arguments and exits with
# $FAKE_TASKLEAK_STATUS (default 0).
import os
import sys

print("fake-taskleak: " + " ".join(sys.argv[1:]))
sys.exit(int(os.environ.get("FAKE_TASKLEAK_STATUS", "0")))
