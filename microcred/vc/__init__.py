"""microcred's verifiable-credential core: a library with no Django, no database and no settings.

Open Badges 3.0 / CLR 2.0 / VC Data Model 2.0 credentials; bundled JSON-LD contexts and JSON
Schemas; RDFC-1.0 and JCS canonicalization; Data Integrity (``eddsa-rdfc-2022``, ``eddsa-jcs-2022``)
and VC-JWT proofs; Ed25519 Multikey keys; ``did:key`` and ``did:web``; Bitstring Status Lists;
baking; and the verifier with its report. Data and keys in, data or a report out.
"""
