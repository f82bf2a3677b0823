"""Pure computation for threat-intelligence sharing: STIX 2.1 validation, TLP 2.0
visibility, TAXII 2.1 filter and paging semantics, import/export formats, warninglists.

No Django import here: these modules take and return plain data so they are tested and
benchmarked alone, and the policy, services and protocol views call them.
"""
