"""Any mailbox over IMAP (reading) and SMTP (replying), with the standard library's clients run in threads."""
