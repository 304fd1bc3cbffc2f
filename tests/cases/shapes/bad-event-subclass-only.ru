# An event typed only with its subclass, which queries for skg:Event would miss.
# expect: event/3f2a9c41: must be typed skg:Event as well as its event subclass
DELETE DATA { event:3f2a9c41 a skg:Event }
