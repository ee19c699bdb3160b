"""Every write a person or a job asks for, one function each. Each checks permission,
validates, works in one transaction and writes the audit row."""
