"""Mutation testing of both sides: generated template mutants and mutmut over generator/."""
