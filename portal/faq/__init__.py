"""FAQ authoring: articles and revisions in the database, workflow, back office /staf/faq."""
