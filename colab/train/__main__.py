"""`python -m colab.train`: runs colab/train/main.py (see its usage)."""
import sys

from colab.train.main import main

sys.exit(main())
