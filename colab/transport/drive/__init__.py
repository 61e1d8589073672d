"""The mailbox as a Google Drive folder, the twin of src/transport/drive/ (docs/drive.md).

- drive.py:           DriveTransport, the Transport over Drive
- api.py:             DriveApi, the Drive v3 REST calls, each retried on transient failures
- errors.py:          what Drive's answers mean (the DriveError family)
- backoff.py:         capped, jittered exponential backoff (BackoffPolicy)
- mailbox_folders.py: finding the root folder and its six subfolders
- body_properties.py: a small file's body carried in its Drive properties
- sign_in.py:         a requests session signed in to Drive (Colab, a token, or default credentials)
"""
