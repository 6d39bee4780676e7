"""The desktop studio (PySide6): a thin layer over studio.core."""
