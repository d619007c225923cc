"""The domain: registration, sign-in, recovery, activation, codes and the civil registry."""
