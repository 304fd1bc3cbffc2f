# A certainty level the ontology does not define.
# expect: event/3f2a9c41: skg:certainty must be one of skg:Confirmed, skg:Reported, skg:Claimed, skg:Assessed (got skg:Maybe)
DELETE DATA { event:3f2a9c41 skg:certainty skg:Confirmed } ;
INSERT DATA { event:3f2a9c41 skg:certainty skg:Maybe }
