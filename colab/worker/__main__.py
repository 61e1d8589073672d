"""`python -m colab.worker`: runs colab/worker/main.py (see its usage)."""
import sys

from colab.worker.main import main

sys.exit(main())
