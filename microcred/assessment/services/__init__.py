"""State changes of the assessment domain, one module per concept; each is one transaction with one audit entry."""
