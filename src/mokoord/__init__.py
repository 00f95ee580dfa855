"""mokoord: the register and evaluation of a coordination office for migrant organisations."""

__version__ = "0.1.0"
