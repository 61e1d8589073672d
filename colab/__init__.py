"""storyloom's GPU side: the character LSTM, its training, and the mailbox worker."""
