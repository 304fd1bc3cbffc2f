# prov:wasDerivedFrom pointing at something that is not a report.
# expect: event/3f2a9c41: prov:wasDerivedFrom must point to a skg:Report (got place/khanaser)
DELETE { event:3f2a9c41 prov:wasDerivedFrom ?report }
INSERT { event:3f2a9c41 prov:wasDerivedFrom place:khanaser }
WHERE { event:3f2a9c41 prov:wasDerivedFrom ?report }
