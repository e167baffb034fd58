"""Made-up customer rows for the cross-checks: emails and phones as CSV exports hold them
(mixed case, white space of every kind around, +tags, Unicode, pre-hashed values, nulls and a
few percent of bad rows). Seeded: the same rows every run."""

from __future__ import annotations

import random

FIRST = ["alice", "Bob", "ÉMILE", "zoë", "O'Neil", "li", "jane.doe", "MARÍA", "user_123", "x"]
DOMAINS = ["gmail.com", "Example.ORG", "exemple.fr", "mail.co.uk", "b.co", "müller.de"]
SPACE = ["", " ", "  ", "\t", "\u00a0", "\ufeff", "\u200b", "\n"]
BAD_EMAILS = ["no-at-sign", "a@b", "@example.com", "a b@example.com", "a@@b.co", "", "   ", "a@b..", "x@y z.com"]
PHONE_COUNTRIES = ["+44 20 7183 8750", "0044 (0)20 7183 8750", "+33 1 23 45 67 89", "+49 30 901820",
                   "+81 3-1234-5678", "+61 2 9374 4000", "+91 98765 43210", "011 44 20 7183 8750"]
BAD_PHONES = ["call me", "12", "+999 123 456", "+1 2015550", "555-CALL-NOW", "", "+", "(0)"]


def _cased(rng: random.Random, text: str) -> str:
    return "".join(c.upper() if rng.random() < 0.2 else c for c in text)


def _around(rng: random.Random, text: str) -> str:
    return rng.choice(SPACE) + text + rng.choice(SPACE)


def emails(n: int, seed: int = 11) -> list[str | None]:
    rng = random.Random(seed)
    out: list[str | None] = []
    for i in range(n):
        roll = rng.random()
        if roll < 0.01:
            out.append(None)
        elif roll < 0.04:
            out.append(rng.choice(BAD_EMAILS))
        elif roll < 0.05:
            out.append(_around(rng, "%064x" % rng.getrandbits(256)).upper())
        else:
            local = rng.choice(FIRST) + str(i)
            if rng.random() < 0.1:
                local += "+promo"
            out.append(_around(rng, _cased(rng, f"{local}@{rng.choice(DOMAINS)}")))
    return out


def phones(n: int, seed: int = 12) -> list[str | None]:
    """US national numbers (for default_country US) and international ones."""
    rng = random.Random(seed)
    out: list[str | None] = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.01:
            out.append(None)
        elif roll < 0.04:
            out.append(rng.choice(BAD_PHONES))
        elif roll < 0.15:
            out.append(_around(rng, rng.choice(PHONE_COUNTRIES)))
        else:
            area, exchange, line = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
            form = rng.choice(["({a}) {e}-{l:04d}", "{a}-{e}-{l:04d}", "{a}{e}{l:04d}",
                               "+1 {a} {e} {l:04d}", "1-{a}-{e}-{l:04d}", "{a}.{e}.{l:04d}"])
            out.append(_around(rng, form.format(a=area, e=exchange, l=line)))
    return out
