"""The GPU worker, the twin of src/worker/ (the embedded worker): `python -m colab.worker`.

- main.py:      the process: opens the mailbox, starts the worker, turns its loop until SIGTERM, restarts
- options.py:   the command line and WorkerOptions (the twin of options.ts)
- worker.py:    the loop (Worker): news, controls, requests, batches, responses, heartbeats
- job_book.py:  what the worker knows of the mailbox's jobs, and which requests it refuses
- schedule.py:  the order jobs run in, round-robin by user (the twin of src/jobs/schedule.ts)
- batch.py:     running a batch so that no single failure stops the rest, and its responses
- io.py:        reading a request, writing a response (a result, or a structured error)
- control.py:   admin commands from control/, and the applied ones the heartbeat lists
- heartbeat.py: the heartbeat document; metrics.py: the counters and averages it reports
- models.py:    from a model spec (a path or a name) to a loaded model
- runtime.py:   where the worker runs: Colab or local, the runtime's end, the device
"""
