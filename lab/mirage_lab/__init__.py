"""Mirage's attack lab: the victim's training and the attacker's side, against the live service."""
