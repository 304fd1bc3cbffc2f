# An event that cites no report.
# expect: event/3f2a9c41: needs exactly one prov:wasDerivedFrom (the report it comes from)
DELETE WHERE { event:3f2a9c41 prov:wasDerivedFrom ?report }
