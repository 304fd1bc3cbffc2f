# A supply line that connects nothing.
# expect: supply-line/khanaser--ithriya: needs at least one skg:connects (an endpoint)
DELETE WHERE { line:khanaser--ithriya skg:connects ?place }
