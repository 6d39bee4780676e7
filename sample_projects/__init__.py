"""The bundled sample projects, installed as studio._samples."""
