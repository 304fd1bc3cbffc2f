# An event whose report period ends before it starts.
# expect: event/8b01d7e2: skg:periodStart must not be after skg:periodEnd (got "2015-10-21"^^xsd:date)
DELETE DATA { event:8b01d7e2 skg:periodEnd "2015-10-28"^^xsd:date } ;
INSERT DATA { event:8b01d7e2 skg:periodEnd "2015-10-20"^^xsd:date }
