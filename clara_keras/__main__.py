import sys

from clara_keras.cli import main

sys.exit(main())
