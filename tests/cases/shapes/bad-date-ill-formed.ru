# An xsd:date that is no real day.
# expect: report/the-fight-for-aleppo-october-21-28-2015: skg:endDate must be xsd:date (got "2015-10-32"^^xsd:date)
DELETE DATA { report:the-fight-for-aleppo-october-21-28-2015 skg:endDate "2015-10-28"^^xsd:date } ;
INSERT DATA { report:the-fight-for-aleppo-october-21-28-2015 skg:endDate "2015-10-32"^^xsd:date }
