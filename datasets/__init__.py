"""The bundled example company and the templates written by ``socialroi init``."""
