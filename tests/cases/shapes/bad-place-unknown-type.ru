# A place type outside the ontology's list.
# expect: place/ithriya: skg:placeType must be one of country, province, city, town, village, site, region (got "hamlet")
DELETE DATA { place:ithriya skg:placeType "village" } ;
INSERT DATA { place:ithriya skg:placeType "hamlet" }
