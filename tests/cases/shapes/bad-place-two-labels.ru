# A place with two canonical names: the second belongs in skos:altLabel.
# expect: place/khanaser: needs exactly one rdfs:label
INSERT DATA { place:khanaser rdfs:label "Khanasir" }
