# A date written as a plain string instead of an xsd:date.
# expect: event/3f2a9c41: skg:startDate must be xsd:date (got "2015-10-23")
# expect: event/3f2a9c41: skg:startDate must not be after skg:endDate (got "2015-10-23")
DELETE DATA { event:3f2a9c41 skg:startDate "2015-10-23"^^xsd:date } ;
INSERT DATA { event:3f2a9c41 skg:startDate "2015-10-23" }
