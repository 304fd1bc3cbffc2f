# A negative death toll.
# expect: event/c5e47a10: skg:fatalities must be an xsd:integer >= 0 (got -50)
DELETE DATA { event:c5e47a10 skg:fatalities 50 } ;
INSERT DATA { event:c5e47a10 skg:fatalities -50 }
