"""The Google half of the sandbox: Sheets v4, Drive v3 and the OAuth token endpoint."""
