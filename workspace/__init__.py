"""The desk: the organisation (departments, sections, posts, holdings), files, notes,
receipts, movement, and the audit trail every write goes through."""
