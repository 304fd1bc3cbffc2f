# An event typed with two subclasses.
# expect: event/3f2a9c41: must be typed with only one event subclass
INSERT DATA { event:3f2a9c41 a skg:Airstrike }
