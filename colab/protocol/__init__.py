"""The mailbox protocol (v1), the Python mirror of src/jobs/protocol.ts and parse.ts (docs/protocol.md).

- schemas.py:    the four file types (request, response, heartbeat, control) as schemas
- parse.py:      parse_file and serialize; ProtocolError with the TypeScript side's codes
- times.py:      RFC 3339 times as JavaScript writes them
- validators.py: small value checkers with zod's semantics, which the schemas are made of
"""
