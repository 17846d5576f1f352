"""The engine: the SimPy clock, the lockstep weekly step, random streams and recorders."""
