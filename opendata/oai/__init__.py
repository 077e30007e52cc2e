"""OAI-PMH 2.0 repository: Dublin Core and the Europeana Data Model."""
