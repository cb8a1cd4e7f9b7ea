"""The verifiable-credential core: Open Badges 3.0, CLR 2.0 and VC 2.0 as plain data.

No Django, no database, no settings: functions take data and keys and return data or a report,
so anyone who only wants to verify can use this package on its own.
"""
