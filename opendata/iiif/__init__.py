"""IIIF Presentation API 3 manifests and collections; Image API 3 (level 0) services."""
