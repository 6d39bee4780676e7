"""Checks of renditions: accessibility (axe, Matterhorn), mail client support, readability."""
