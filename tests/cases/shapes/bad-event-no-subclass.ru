# An event typed skg:Event and nothing more specific.
# expect: event/3f2a9c41: must be typed with one event subclass (skg:Airstrike ... skg:CivilianCasualties)
DELETE DATA { event:3f2a9c41 a skg:Seizure }
