# Evidence offsets whose end comes before their start.
# expect: event/3f2a9c41: skg:evidenceStart must be less than skg:evidenceEnd (got 1722)
DELETE DATA { event:3f2a9c41 skg:evidenceEnd 1853 } ;
INSERT DATA { event:3f2a9c41 skg:evidenceEnd 1700 }
