# A latitude off the globe.
# expect: place/khanaser: wgs84:lat must be between -90 and 90 (got 123.0)
DELETE DATA { place:khanaser wgs84:lat 35.7828 } ;
INSERT DATA { place:khanaser wgs84:lat 123.0 }
