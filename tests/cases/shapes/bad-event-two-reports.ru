# An event derived from two reports at once.
# expect: event/3f2a9c41: needs exactly one prov:wasDerivedFrom (the report it comes from)
INSERT DATA { event:3f2a9c41 prov:wasDerivedFrom report:russian-airstrikes-in-syria-october-27-november-5th-2015 }
