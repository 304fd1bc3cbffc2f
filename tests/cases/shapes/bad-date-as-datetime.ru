# A date written as an xsd:dateTime.
# expect: event/3f2a9c41: skg:endDate must be xsd:date (got "2015-10-23T00:00:00"^^xsd:dateTime)
DELETE DATA { event:3f2a9c41 skg:endDate "2015-10-23"^^xsd:date } ;
INSERT DATA { event:3f2a9c41 skg:endDate "2015-10-23T00:00:00"^^xsd:dateTime }
