import sys

from passgenau.cli import main

sys.exit(main())
