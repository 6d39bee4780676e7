"""Default layouts, styles, fonts and icons, installed as studio._resources."""
