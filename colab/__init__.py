"""storyloom's GPU side: the character LSTM, its training, and the mailbox worker."""

__version__ = "0.1.0"
