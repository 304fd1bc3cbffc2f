# An event with no evidence sentence.
# expect: event/8b01d7e2: needs exactly one skg:evidence (the sentence it was read from)
DELETE WHERE { event:8b01d7e2 skg:evidence ?sentence }
