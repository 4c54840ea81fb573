import sys

from minekb.cli import main

sys.exit(main())
