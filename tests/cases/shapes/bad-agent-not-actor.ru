# An agent that is a place, not an actor.
# expect: event/3f2a9c41: skg:agent must point to a skg:Actor (got place/khanaser)
DELETE DATA { event:3f2a9c41 skg:agent actor:isis } ;
INSERT DATA { event:3f2a9c41 skg:agent place:khanaser }
