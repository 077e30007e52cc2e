"""The archive's views: the public item pages (`public`) and the Wagtail admin's screens, which
archive/viewsets.py wires up."""
