# A control statement that says nobody holds the place.
# expect: control/1d9e05b3: needs a skg:controlledBy
DELETE WHERE { control:1d9e05b3 skg:controlledBy ?actor }
