"""The mailbox as the worker sees it, the twin of src/transport/.

- transport.py: the Transport interface, Change (news) and MailboxError
- local.py:     LocalFolderTransport, a local or mounted folder
- drive/:       DriveTransport, a Google Drive folder over the REST API
"""
