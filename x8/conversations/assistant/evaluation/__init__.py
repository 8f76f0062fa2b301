"""The labelled evaluation of the retrieval responder: catalogues for several kinds of business, questions with
the rows (and prices) that answer them or none, and the scoring that turns replies into precision and recall.
``x8 assistant eval`` runs it against a real PostgreSQL; ``tests/conversations/test_assistant_eval.py`` holds it
to floors."""
